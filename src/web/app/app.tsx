import { lazy, useEffect } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { ApiError } from '../api/api-client';
import { useIsOffline, useReconnect } from '../api/connection';
import { isNetworkError } from '../api/query-client';
import { useMe } from '../api/auth.api';
import { EmptyState, ErrorNotice, Spinner } from '../components/ui';
import { SignInPage, SignUpPage } from '../pages/auth/auth-pages';
import { GoogleLinkPage } from '../pages/auth/google-signin';
import { AppShell } from './app-shell';
import { APP_ROUTES, findRoute } from './routes';
import { storedTheme, useApplyTheme } from './theme';

// One lazy component per page, created once: each page is its own chunk.
const PAGES = APP_ROUTES.map((route) => ({ route, Page: lazy(route.load) }));

function NotFound() {
  return (
    <EmptyState
      title="This page does not exist"
      action={
        <a className="btn-primary" href="/">
          Go to the dashboard
        </a>
      }
    >
      The address may be mistyped, or the page was moved.
    </EmptyState>
  );
}

function useDocumentTitle() {
  const [location] = useLocation();
  useEffect(() => {
    const title = findRoute(location)?.route.title;
    document.title = title ? `${title} · MindfulCRM` : 'MindfulCRM';
  }, [location]);
}

/** Shown while the server cannot be reached: the app keeps what it has and retries by itself. */
function OfflineBanner() {
  useReconnect();
  if (!useIsOffline()) return null;
  return (
    <div
      role="status"
      data-testid="offline-banner"
      className="fixed inset-x-0 top-0 z-50 border-b-2 border-warn bg-raised px-4 py-2 text-center text-sm font-medium text-ink shadow"
    >
      Offline — retrying. Nothing you typed is lost; saving works again as soon as the connection is back.
    </div>
  );
}

export function App() {
  const me = useMe();
  const isOffline = useIsOffline();
  const [location] = useLocation();
  useApplyTheme(me.data?.user.settings.theme ?? storedTheme());
  useDocumentTitle();

  // Only a 401 means signed out; no answer at all (offline, server down) is waited out.
  const isSignedOut = !me.data && !isOffline && (me.fetchStatus === 'idle' || (me.error instanceof ApiError && me.error.status === 401));
  if (isSignedOut) {
    return (
      <Switch>
        <Route path="/sign-in" component={SignInPage} />
        <Route path="/sign-in/google" component={GoogleLinkPage} />
        <Route path="/sign-up" component={SignUpPage} />
        <Route>
          <Redirect to={location === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(location)}`} replace />
        </Route>
      </Switch>
    );
  }
  if (!me.data) {
    const isWaiting = isOffline || me.fetchStatus === 'paused' || isNetworkError(me.failureReason) || isNetworkError(me.error);
    return (
      <main id="main" className="flex h-full items-center justify-center p-6">
        <OfflineBanner />
        {isWaiting ? (
          <Spinner label="Offline — retrying until MindfulCRM can be reached" size={28} />
        ) : me.error ? (
          <div className="w-full max-w-md">
            <ErrorNotice error={me.error} title="MindfulCRM could not load your account" onRetry={() => void me.refetch()} />
          </div>
        ) : (
          <Spinner label="Loading MindfulCRM" size={28} />
        )}
      </main>
    );
  }
  return (
    <AppShell user={me.data.user}>
      <OfflineBanner />
      <Switch>
        <Route path="/sign-in">
          <Redirect to="/" replace />
        </Route>
        <Route path="/sign-in/google">
          <Redirect to="/" replace />
        </Route>
        <Route path="/sign-up">
          <Redirect to="/" replace />
        </Route>
        {PAGES.map(({ route, Page }) => (
          <Route key={route.path} path={route.path} component={Page} />
        ))}
        <Route component={NotFound} />
      </Switch>
    </AppShell>
  );
}
