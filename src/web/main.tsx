import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { setSessionEndedHandler } from './api/api-client';
import { meQuery } from './api/auth.api';
import { createQueryClient, sessionHint } from './api/query-client';
import { App } from './app/app';
import { preloadRoute } from './app/routes';
import { ToastProvider } from './app/toasts';
import { installLeaveWarnings } from './lib/use-draft';
import './styles.css';

const queryClient = createQueryClient();
installLeaveWarnings();

setSessionEndedHandler(() => {
  sessionHint.clear();
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  queryClient.setQueryData(meQuery.queryKey, null);
});

// No waterfall on first load: the account, the page's code and the page's data are requested
// together, before React renders anything.
if (sessionHint.isSet()) {
  void queryClient.prefetchQuery(meQuery);
  preloadRoute(queryClient, window.location.pathname);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <App />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      /* the app works without it; only offline start-up is lost */
    });
  });
}
