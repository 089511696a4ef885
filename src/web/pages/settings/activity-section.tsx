import { useState } from 'react';
import { useAuditLog } from '../../api/privacy.api';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { CONSENT_PURPOSE_LABELS } from '../../lib/labels';
import type { AuditEntryItem } from '../../../shared/api/audit';
import type { AuditAction, ConsentPurpose } from '../../../shared/domain';

/** The kinds the filter offers (an action prefix each), with what a person calls them. */
const KINDS: [string, string][] = [
  ['', 'All activity'],
  ['auth', 'Sign-ins and sessions'],
  ['consent', 'Consent changes'],
  ['export', 'Exports'],
  ['contact', 'Erasures'],
  ['contacts', 'Merges'],
  ['import', 'Imports'],
];

// Every action has its words: the compiler refuses a new action without them.
const ACTION_TEXT: Record<AuditAction, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Failed sign-in (wrong password)',
  'auth.sign_out': 'Signed out',
  'auth.sign_out_everywhere': 'Signed out everywhere',
  'auth.session_revoked': 'Signed out another device',
  'auth.password_changed': 'Password changed',
  'auth.google_signin': 'Signed in with Google',
  'auth.google_linked': 'Google sign-in linked to this account',
  'account.deleted': 'Account deleted',
  'export.account': 'Exported all data',
  'export.contact': 'Exported a contact’s data',
  'export.contacts': 'Exported contacts (vCard or CSV)',
  'contact.erased': 'Contact erased',
  'consent.changed': 'Consent recorded',
  'contacts.merged': 'Contacts merged',
  'merge.undone': 'Merge undone',
  'duplicates.dismissed': 'Duplicate dismissed',
  'import.started': 'Import started',
  'import.finished': 'Import finished',
  'google.connected': 'Google connected',
  'google.disconnected': 'Google disconnected',
  'ai.budget_changed': 'AI budget changed',
  'calendar_feed.rotated': 'Calendar feed address made',
  'calendar_feed.revoked': 'Calendar feed turned off',
  'calendar_subscription.added': 'Calendar subscription added',
  'calendar_subscription.removed': 'Calendar subscription removed',
};

function describe(entry: AuditEntryItem): string {
  const d = entry.details;
  const who = typeof d.name === 'string' ? d.name : d.erased ? 'an erased contact' : undefined;
  if (entry.action === 'consent.changed') {
    const purpose = CONSENT_PURPOSE_LABELS[d.purpose as ConsentPurpose] ?? String(d.purpose);
    return `${d.granted ? 'Consent given' : 'Consent withdrawn'}: ${purpose.toLowerCase()}${who ? ` — ${who}` : ''}`;
  }
  const base = ACTION_TEXT[entry.action as AuditAction] ?? entry.action;
  return who ? `${base} — ${who}` : base;
}

/** Settings → Activity log: what happened on the account, newest first. */
export function ActivitySection() {
  const [kind, setKind] = useState('');
  const log = useAuditLog(kind || undefined);
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="activity-title" className="card p-5">
      <h2 id="activity-title" className="text-lg font-semibold">
        Activity log
      </h2>
      <p className="mt-1 text-sm text-muted">
        Sign-ins, consent changes and other sensitive actions on your account, newest first. It keeps ids and names only, never notes or
        messages.
      </p>
      <label className="mt-4 flex items-center gap-2 text-sm">
        Show
        <select className="input w-auto py-1" value={kind} onChange={(e) => setKind(e.target.value)}>
          {KINDS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <div className="mt-3">
        {log.isPending && <Spinner label="Loading the activity log" />}
        <ErrorNotice error={log.error} title="The activity log could not be loaded" onRetry={() => void log.refetch()} />
        {log.data && !entries.length && <p className="text-sm text-muted">Nothing recorded yet.</p>}
        <ol className="divide-y divide-line" data-testid="activity-log">
          {entries.map((e) => (
            <li key={e.id} className="flex flex-wrap items-baseline gap-x-3 py-2 text-sm">
              <span className="min-w-0 flex-1 font-medium">{describe(e)}</span>
              <span className="text-muted">
                {formatDateTime(e.createdAt)}
                {e.ip ? ` · ${e.ip}` : ''}
              </span>
            </li>
          ))}
        </ol>
        {log.hasNextPage && (
          <button type="button" className="btn-secondary mt-2" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            <Busy isBusy={log.isFetchingNextPage} busyText="Loading…">
              Load more
            </Busy>
          </button>
        )}
      </div>
    </section>
  );
}
