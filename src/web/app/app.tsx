import { lazy, useEffect } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { ApiError } from '../api/api-client';
import { useMe } from '../api/auth.api';
import { EmptyState, ErrorNotice, Spinner } from '../components/ui';
import { SignInPage, SignUpPage } from '../pages/auth/auth-pages';
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

export function App() {
  const me = useMe();
  const [location] = useLocation();
  useApplyTheme(me.data?.user.settings.theme ?? storedTheme());
  useDocumentTitle();

  const isSignedOut = !me.data && (me.fetchStatus === 'idle' || (me.error instanceof ApiError && me.error.status === 401));
  if (isSignedOut) {
    return (
      <Switch>
        <Route path="/sign-in" component={SignInPage} />
        <Route path="/sign-up" component={SignUpPage} />
        <Route>
          <Redirect to={location === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(location)}`} replace />
        </Route>
      </Switch>
    );
  }
  if (!me.data) {
    return (
      <main id="main" className="flex h-full items-center justify-center p-6">
        {me.error ? (
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
      <Switch>
        <Route path="/sign-in">
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
