import { Suspense, useCallback, useMemo, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useIsFetching, useIsMutating, useQuery, useQueryClient } from '@tanstack/react-query';
import { contactQuery } from '../api/contacts.api';
import { useSignOut, useUpdateProfile } from '../api/auth.api';
import { useLogSession } from '../api/today.api';
import type { User } from '../../shared/api/auth';
import { Avatar } from '../components/contact-bits';
import { Icon } from '../components/icons';
import { QuickAddContact } from '../components/quick-add-contact';
import { LazyLogClassDialog } from '../components/log-class-lazy';
import { LazyAssistantDrawer } from '../components/assistant-lazy';
import { Modal, Spinner } from '../components/ui';
import { CommandPalette, type PaletteAction } from './command-palette';
import { PageErrorBoundary } from './error-boundary';
import { APP_ROUTES, preloadRoute } from './routes';
import { SHORTCUTS, useGlobalShortcuts } from './shortcuts';
import { NEXT_THEME, THEME_LABEL } from './theme';
import { useToast } from './toasts';

const THEME_ICON = { light: 'sun', dark: 'moon', system: 'monitor' } as const;

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const [location] = useLocation();
  const qc = useQueryClient();
  const groups = (['main', 'account'] as const).map((g) => APP_ROUTES.filter((r) => r.nav?.group === g));
  // The most specific entry is the current one: /settings/privacy lights Privacy, not Settings too.
  const covers = (path: string) => (path === '/' ? location === '/' : location.startsWith(path));
  const activePath = APP_ROUTES.filter((r) => r.nav && covers(r.path)).sort((a, b) => b.path.length - a.path.length)[0]?.path;
  return (
    <nav aria-label="Main" className="flex flex-1 flex-col gap-6">
      {groups.map((routes, i) => (
        <ul key={i} className="space-y-1">
          {routes.map((r) => {
            const isActive = r.path === activePath;
            const Badge = r.nav!.badge;
            return (
              <li key={r.path}>
                <Link
                  href={r.path}
                  onClick={onNavigate}
                  onMouseEnter={() => preloadRoute(qc, r.path)}
                  onFocus={() => preloadRoute(qc, r.path)}
                  aria-current={isActive ? 'page' : undefined}
                  className={`flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium ${
                    isActive ? 'bg-brand-soft text-ink' : 'text-muted hover:bg-raised hover:text-ink'
                  }`}
                >
                  <Icon name={r.nav!.icon} />
                  {r.nav!.label}
                  {Badge && <Badge />}
                </Link>
              </li>
            );
          })}
        </ul>
      ))}
    </nav>
  );
}

/** A thin bar at the top whenever anything is loading or saving, so no action is silent. */
function ActivityBar() {
  const busy = useIsFetching() + useIsMutating() > 0;
  return (
    <div
      aria-hidden="true"
      className={`fixed inset-x-0 top-0 z-50 h-0.5 overflow-hidden transition-opacity ${busy ? 'opacity-100' : 'opacity-0'}`}
    >
      <div className="h-full w-1/3 animate-[mcrm-slide_1.1s_ease-in-out_infinite] bg-brand-strong" />
    </div>
  );
}

export function AppShell({ user, children }: { user: User; children: ReactNode }) {
  const [location, navigate] = useLocation();
  const [isPaletteOpen, setPaletteOpen] = useState(false);
  const [isQuickAddOpen, setQuickAddOpen] = useState(false);
  const [isLogClassOpen, setLogClassOpen] = useState(false);
  const [isHelpOpen, setHelpOpen] = useState(false);
  const [isAssistantOpen, setAssistantOpen] = useState(false);
  const [isMenuOpen, setMenuOpen] = useState(false);
  const updateProfile = useUpdateProfile();
  const signOut = useSignOut();
  const toast = useToast();
  const theme = user.settings.theme;

  const toggleTheme = useCallback(() => {
    const next = NEXT_THEME[theme];
    updateProfile.mutate({ settings: { theme: next } }, { onError: (err) => toast.error(err) });
  }, [theme, updateProfile, toast]);
  const doSignOut = useCallback(
    () => signOut.mutate(undefined, { onSuccess: () => navigate('/sign-in'), onError: (e) => toast.error(e) }),
    [signOut, navigate, toast],
  );

  // On a contact's page the palette offers to log a session with them.
  const contactId = /^\/contacts\/([0-9a-f-]{36})/i.exec(location)?.[1];
  // The page's own query: shared, so this never fetches twice.
  const contactName = useQuery({ ...contactQuery(contactId ?? ''), enabled: !!contactId }).data?.name;
  const logSession = useLogSession();
  const logAction = useMemo<PaletteAction[]>(
    () =>
      contactId && contactName
        ? [
            {
              id: 'log-session',
              label: `Log session with ${contactName}`,
              icon: 'calendar',
              keywords: 'log record meeting session class',
              run: () =>
                logSession.mutate(contactId, {
                  onSuccess: () => toast.success(`Session with ${contactName} logged.`),
                  onError: (e) => toast.error(e),
                }),
            },
          ]
        : [],
    [contactId, contactName, logSession, toast],
  );

  const actions = useMemo<PaletteAction[]>(
    () => [
      ...logAction,
      { id: 'new-contact', label: 'New contact', icon: 'plus', keywords: 'add create client', run: () => setQuickAddOpen(true) },
      {
        id: 'log-class',
        label: 'Log a class or group session',
        icon: 'users',
        keywords: 'log record class group attendance several people',
        run: () => setLogClassOpen(true),
      },
      {
        id: 'assistant',
        label: 'Ask the assistant',
        icon: 'sparkle' as const,
        keywords: 'ai chat question voice',
        run: () => setAssistantOpen(true),
      },
      { id: 'new-task', label: 'New task', icon: 'check', keywords: 'add create todo', run: () => navigate('/tasks?new=1') },
      ...APP_ROUTES.filter((r) => r.nav).map((r) => ({
        id: `go-${r.path}`,
        label: `Go to ${r.nav!.label}`,
        icon: r.nav!.icon,
        keywords: 'open page navigate',
        run: () => navigate(r.path),
      })),
      {
        id: 'manage-tags',
        label: 'Manage tags',
        icon: 'tag' as const,
        keywords: 'rename merge colour color',
        run: () => navigate('/contacts?tags=manage'),
      },
      {
        id: 'theme-dark',
        label: 'Switch to dark theme',
        icon: 'moon' as const,
        keywords: 'appearance night',
        run: () => updateProfile.mutate({ settings: { theme: 'dark' } }),
      },
      {
        id: 'theme-light',
        label: 'Switch to light theme',
        icon: 'sun' as const,
        keywords: 'appearance day',
        run: () => updateProfile.mutate({ settings: { theme: 'light' } }),
      },
      {
        id: 'theme-system',
        label: 'Use the system theme',
        icon: 'monitor' as const,
        keywords: 'appearance auto',
        run: () => updateProfile.mutate({ settings: { theme: 'system' } }),
      },
      { id: 'shortcuts', label: 'Keyboard shortcuts', icon: 'keyboard' as const, keywords: 'help keys', run: () => setHelpOpen(true) },
      { id: 'sign-out', label: 'Sign out', icon: 'logout' as const, keywords: 'log out exit', run: doSignOut },
    ],
    [navigate, updateProfile, doSignOut, logAction],
  );

  useGlobalShortcuts({
    openPalette: () => setPaletteOpen(true),
    newContact: () => setQuickAddOpen(true),
    search: () => {
      const box = document.getElementById('contact-search');
      if (box) box.focus();
      else setPaletteOpen(true);
    },
    showHelp: () => setHelpOpen(true),
    openAssistant: () => setAssistantOpen(true),
    go: (path) => navigate(path),
  });

  const sidebar = (onNavigate?: () => void) => (
    <div className="flex h-full flex-col gap-6 p-4">
      <Link href="/" onClick={onNavigate} className="flex items-center gap-2 px-2 text-lg font-semibold tracking-tight">
        <img src="/icons/icon.svg" alt="" width={28} height={28} />
        MindfulCRM
      </Link>
      <button type="button" onClick={() => setPaletteOpen(true)} className="btn-secondary justify-start text-muted">
        <Icon name="search" />
        <span className="flex-1 text-left">Search…</span>
        <kbd className="rounded border border-line px-1.5 text-xs">Ctrl K</kbd>
      </button>
      <button
        type="button"
        onClick={() => {
          onNavigate?.();
          setAssistantOpen(true);
        }}
        className="btn-secondary justify-start"
      >
        <Icon name="sparkle" />
        <span className="flex-1 text-left">Assistant</span>
        <kbd className="rounded border border-line px-1.5 text-xs">A</kbd>
      </button>
      <NavLinks onNavigate={onNavigate} />
      <div className="space-y-2 border-t border-line pt-4">
        <button
          type="button"
          className="btn-ghost w-full justify-start"
          onClick={toggleTheme}
          aria-label={`Theme: ${THEME_LABEL[theme]}. Switch to ${THEME_LABEL[NEXT_THEME[theme]]}`}
        >
          <Icon name={THEME_ICON[theme]} />
          Theme: {THEME_LABEL[theme]}
        </button>
        <div className="flex items-center gap-2 px-2">
          <Avatar name={user.displayName || user.email} size={28} />
          <span className="min-w-0 flex-1 truncate text-sm" title={user.email}>
            {user.displayName || user.email}
          </span>
          <button
            type="button"
            className="btn-ghost p-1.5"
            onClick={doSignOut}
            aria-label="Sign out"
            title="Sign out"
            disabled={signOut.isPending}
          >
            {signOut.isPending ? <Spinner label="Signing out" /> : <Icon name="logout" />}
          </button>
        </div>
      </div>
    </div>
  );

  return (
    <div className="flex h-full">
      <a href="#main" className="sr-only z-50 rounded bg-surface p-2 focus:not-sr-only focus:fixed focus:left-2 focus:top-2">
        Skip to content
      </a>
      <ActivityBar />
      <aside className="hidden w-64 shrink-0 border-r border-line bg-surface lg:block">{sidebar()}</aside>
      {isMenuOpen && (
        <div className="fixed inset-0 z-40 lg:hidden">
          <button type="button" aria-label="Close menu" className="absolute inset-0 bg-black/40" onClick={() => setMenuOpen(false)} />
          <aside className="absolute inset-y-0 left-0 w-72 max-w-[85%] bg-surface shadow-xl" aria-label="Menu">
            {sidebar(() => setMenuOpen(false))}
          </aside>
        </div>
      )}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center gap-2 border-b border-line bg-surface px-3 py-2 lg:hidden">
          <button
            type="button"
            className="btn-ghost p-2"
            onClick={() => setMenuOpen(true)}
            aria-label="Open menu"
            aria-expanded={isMenuOpen}
          >
            <Icon name="menu" />
          </button>
          <Link href="/" className="flex-1 font-semibold">
            MindfulCRM
          </Link>
          <button type="button" className="btn-ghost p-2" onClick={() => setAssistantOpen(true)} aria-label="Open the assistant">
            <Icon name="sparkle" />
          </button>
          <button type="button" className="btn-ghost p-2" onClick={() => setPaletteOpen(true)} aria-label="Search contacts and actions">
            <Icon name="search" />
          </button>
          <button
            type="button"
            className="btn-ghost p-2"
            onClick={toggleTheme}
            aria-label={`Theme: ${THEME_LABEL[theme]}. Switch to ${THEME_LABEL[NEXT_THEME[theme]]}`}
          >
            <Icon name={THEME_ICON[theme]} />
          </button>
        </header>
        <main id="main" tabIndex={-1} className="relative min-h-0 flex-1 overflow-y-auto px-3 py-4 sm:px-6 lg:px-8 lg:py-6">
          <Suspense
            fallback={
              <div className="flex justify-center py-16 text-muted">
                <Spinner label="Loading page" size={24} />
              </div>
            }
          >
            <PageErrorBoundary resetKey={location}>{children}</PageErrorBoundary>
          </Suspense>
        </main>
      </div>
      <CommandPalette
        open={isPaletteOpen}
        onClose={() => setPaletteOpen(false)}
        actions={actions}
        openContact={(id) => navigate(`/contacts/${id}`)}
      />
      <LazyAssistantDrawer open={isAssistantOpen} onClose={() => setAssistantOpen(false)} />
      <QuickAddContact open={isQuickAddOpen} onClose={() => setQuickAddOpen(false)} />
      <LazyLogClassDialog open={isLogClassOpen} onClose={() => setLogClassOpen(false)} />
      <Modal open={isHelpOpen} onClose={() => setHelpOpen(false)} title="Keyboard shortcuts">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {SHORTCUTS.map((s) => (
            <div key={s.keys} className="contents">
              <dt>
                <kbd className="rounded border border-line bg-raised px-1.5 py-0.5 font-mono text-xs">{s.keys}</kbd>
              </dt>
              <dd className="text-muted">{s.what}</dd>
            </div>
          ))}
        </dl>
      </Modal>
    </div>
  );
}
