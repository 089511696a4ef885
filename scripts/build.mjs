// Builds the server (TypeScript → dist/) and, when present, the web app (Vite → dist/web).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
rmSync('dist', { recursive: true, force: true });
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
if (existsSync('src/web/index.html')) run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
