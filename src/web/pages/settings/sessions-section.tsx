import { useRevokeSession, useSessions } from '../../api/auth.api';
import { useToast } from '../../app/toasts';
import { ErrorNotice, Spinner } from '../../components/ui';
import { formatRelative } from '../../lib/format';

function describeAgent(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Chrome\//.test(ua)
      ? 'Chrome'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

export function SessionsSection() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const toast = useToast();
  return (
    <section aria-labelledby="sessions-title" className="card p-5">
      <h2 id="sessions-title" className="text-lg font-semibold">
        Sessions
      </h2>
      <p className="mt-1 text-sm text-muted">Where your account is signed in. Sign out any device you do not recognise.</p>
      <div className="mt-4">
        {sessions.isPending && <Spinner label="Loading sessions" />}
        <ErrorNotice error={sessions.error} title="Sessions could not be loaded" onRetry={() => void sessions.refetch()} />
        <ul className="divide-y divide-line">
          {sessions.data?.items.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center gap-3 py-3">
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {describeAgent(s.userAgent)}{' '}
                  {s.isCurrent && <span className="chip ml-1 border-brand bg-brand-soft text-ink">This device</span>}
                </p>
                <p className="text-sm text-muted">
                  {s.ip ?? 'Unknown address'} · signed in {formatRelative(s.createdAt)} · last active {formatRelative(s.lastSeenAt)}
                </p>
              </div>
              {!s.isCurrent && (
                <button
                  type="button"
                  className="btn-secondary"
                  disabled={revoke.isPending && revoke.variables === s.id}
                  onClick={() =>
                    revoke.mutate(s.id, { onSuccess: () => toast.success('That device was signed out.'), onError: (e) => toast.error(e) })
                  }
                >
                  {revoke.isPending && revoke.variables === s.id ? 'Signing out…' : 'Sign out'}
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
