import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// The web app lives in src/web and builds into dist/web, which the server serves with an SPA
// fallback. In development run the API (`npm run dev`) and `npx vite` side by side: the proxy
// keeps cookies same-origin, so sessions and CSRF behave exactly as in production.
const apiTarget = process.env.MINDFULCRM_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: 'src/web',
  publicDir: 'public',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // Report real sizes; the budget (250 KB gzip for the first route) is checked by the e2e suite.
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // src/web/api/*.ts is served by Vite at /api/*.ts in development, so source files are kept
    // out of the proxy; every other /api path goes to the server.
    proxy: {
      '^/api/(?![^?]*\\.tsx?(\\?|$))': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
    },
  },
});
