import type { ComponentType } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import type { IconName } from '../components/icons';
import { contactQuery } from '../api/contacts.api';
import { tagsQuery } from '../api/tags.api';
import { dashboardQuery, reconnectQuery } from '../api/dashboard.api';
import { todayQuery } from '../api/today.api';
import { duplicatesQuery, mergesQuery } from '../api/duplicates.api';
import { overdueFilters, projectsQuery, tasksQuery } from '../api/tasks.api';
import { suggestionsQuery } from '../api/suggestions.api';
import { SuggestionsCount } from '../pages/suggestions/suggestions-count';
import { FEATURES } from '../lib/features';

type Params = Record<string, string>;

/**
 * Every page of the signed-in app, in one list. A page is one entry: its path, its code (loaded
 * on demand, so each page is its own chunk), an optional place in the navigation, and the data it
 * needs, which is fetched in parallel with its code so opening a page never waits twice.
 *
 * Later features (the AI assistant, Google sync and imports, privacy tools) each add one entry
 * here with a `nav` block; the shell, the command palette and the shortcuts pick them up.
 */
export type AppRoute = {
  path: string;
  title: string;
  load: () => Promise<{ default: ComponentType }>;
  prefetch?: (qc: QueryClient, params: Params) => void;
  nav?: { label: string; icon: IconName; group: 'main' | 'account'; shortcut?: string; badge?: ComponentType };
};

export const APP_ROUTES: AppRoute[] = [
  {
    path: '/',
    title: 'Today',
    load: () => import('../pages/today/today.page'),
    prefetch: (qc) => void qc.prefetchQuery(todayQuery),
    nav: { label: 'Today', icon: 'calendar', group: 'main', shortcut: 'g h' },
  },
  {
    path: '/dashboard',
    title: 'Dashboard',
    load: () => import('../pages/dashboard/dashboard.page'),
    prefetch: (qc) => {
      void qc.prefetchQuery(dashboardQuery);
      void qc.prefetchQuery(reconnectQuery);
      void qc.prefetchQuery(tasksQuery(overdueFilters()));
    },
    nav: { label: 'Dashboard', icon: 'home', group: 'main', shortcut: 'g d' },
  },
  {
    path: '/contacts',
    title: 'Contacts',
    load: () => import('../pages/contacts/contacts.page'),
    prefetch: (qc) => void qc.prefetchQuery(tagsQuery),
    nav: { label: 'Contacts', icon: 'users', group: 'main', shortcut: 'g c' },
  },
  {
    path: '/contacts/:id',
    title: 'Contact',
    load: () => import('../pages/contact/contact.page'),
    prefetch: (qc, { id }) => {
      if (id) void qc.prefetchQuery(contactQuery(id));
      void qc.prefetchQuery(tagsQuery);
    },
  },
  {
    path: '/tasks',
    title: 'Tasks',
    load: () => import('../pages/tasks/tasks.page'),
    prefetch: (qc) => void qc.prefetchQuery(projectsQuery),
    nav: { label: 'Tasks', icon: 'check', group: 'main', shortcut: 'g t' },
  },
  // Suggestions inbox (issue 14): its navigation entry shows the pending count.
  ...(FEATURES.ai
    ? [
        {
          path: '/suggestions',
          title: 'Suggestions',
          load: () => import('../pages/suggestions/suggestions.page'),
          prefetch: (qc: QueryClient) => void qc.prefetchQuery(suggestionsQuery),
          nav: { label: 'Suggestions', icon: 'target', group: 'main', badge: SuggestionsCount } satisfies AppRoute['nav'],
        },
      ]
    : []),
  {
    path: '/duplicates',
    title: 'Duplicates',
    load: () => import('../pages/duplicates/duplicates.page'),
    prefetch: (qc) => {
      void qc.prefetchQuery(duplicatesQuery);
      void qc.prefetchQuery(mergesQuery);
    },
    nav: { label: 'Duplicates', icon: 'users', group: 'main' },
  },
  {
    path: '/import',
    title: 'Import contacts',
    load: () => import('../pages/imports/import.page'),
    nav: { label: 'Import', icon: 'plus', group: 'account' },
  },
  {
    path: '/settings',
    title: 'Settings',
    load: () => import('../pages/settings/settings.page'),
    nav: { label: 'Settings', icon: 'settings', group: 'account', shortcut: 'g s' },
  },
  {
    path: '/settings/privacy',
    title: 'Privacy',
    load: () => import('../pages/settings/privacy.page'),
    nav: { label: 'Privacy', icon: 'shield', group: 'account' },
  },
];

export function matchPath(pattern: string, path: string): Params | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('?')[0]!.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(have[i]!);
    else if (w !== have[i]) return null;
  }
  return params;
}

export function findRoute(path: string): { route: AppRoute; params: Params } | null {
  for (const route of APP_ROUTES) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

/** Starts a page's code and data downloads together (on navigation intent and on first load). */
export function preloadRoute(qc: QueryClient, path: string) {
  const found = findRoute(path);
  if (!found) return;
  void found.route.load();
  found.route.prefetch?.(qc, found.params);
}
