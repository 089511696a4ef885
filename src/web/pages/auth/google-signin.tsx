import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { ApiError } from '../../api/api-client';
import { useAuthProviders, useConfirmGoogleLink, usePendingGoogleLink } from '../../api/auth.api';
import { sessionHint } from '../../api/query-client';
import { Busy, ErrorNotice, Spinner, TextField } from '../../components/ui';
import type { GoogleSigninRefusal } from '../../../shared/api/auth';
import { AuthFrame } from './auth-frame';

/** Where to go once signed in: kept across the round trip to Google (same-site paths only). */
const NEXT_KEY = 'mcrm.google.next';
function takeNext(): string {
  const next = sessionStorage.getItem(NEXT_KEY) ?? '/';
  sessionStorage.removeItem(NEXT_KEY);
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

const REFUSALS: Record<GoogleSigninRefusal, string> = {
  expired: 'This Google sign-in expired, was already used, or was started in another browser. Try again.',
  denied: 'Google sign-in was cancelled. Nothing was changed.',
  unverified:
    'Google has not verified the email address of that Google account, so it cannot sign in here. Verify it with Google, or sign in with your email and password.',
  failed: 'Google’s answer could not be checked, so you were not signed in. Try again.',
  unavailable:
    'Google could not be reached, or Sign in with Google is not set up on this server. Sign in with your email and password, or try again later.',
  other_google:
    'The account with this email is linked to a different Google account. Sign in with that Google account, or with your email and password.',
  rate_limited: 'Too many sign-in attempts from this network. Wait a few minutes and try again.',
};

/** "Sign in with Google" (only when the server has a Google client): a plain link, the browser goes to Google and back. */
export function GoogleSignInButton({ next, label }: { next: string; label: string }) {
  const providers = useAuthProviders();
  if (!providers.data?.google) return null;
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const href = `/api/auth/google${timezone ? `?timezone=${encodeURIComponent(timezone)}` : ''}`;
  return (
    <div className="mt-4 space-y-4">
      <p className="flex items-center gap-3 text-xs text-muted before:h-px before:flex-1 before:bg-line after:h-px after:flex-1 after:bg-line">
        or
      </p>
      <a href={href} className="btn-secondary w-full justify-center" onClick={() => sessionStorage.setItem(NEXT_KEY, next)}>
        {label}
      </a>
    </div>
  );
}

/** The sign-in page's part of the round trip: `?google=signed_in` goes on into the app; a refusal is said in words. */
export function GoogleSignInOutcome() {
  const outcome = new URLSearchParams(useSearch()).get('google');
  const [, navigate] = useLocation();
  useEffect(() => {
    if (outcome !== 'signed_in') return;
    // The session cookie is set: from the next render the app loads the account and shows `next`.
    sessionHint.set();
    navigate(takeNext(), { replace: true });
  }, [outcome, navigate]);
  if (outcome === 'signed_in') return <Spinner label="Signing in with Google" />;
  const refusal = outcome && outcome in REFUSALS ? REFUSALS[outcome as GoogleSigninRefusal] : undefined;
  if (!refusal) return null;
  return (
    <div role="alert" className="mb-4 rounded-lg border border-danger/40 bg-danger-soft p-3 text-sm text-ink">
      <p className="font-semibold">Not signed in with Google</p>
      <p>{refusal}</p>
    </div>
  );
}

/** Case (c): a password account has the Google account's email; its password links them, once. */
export function GoogleLinkPage() {
  const pending = usePendingGoogleLink();
  const confirm = useConfirmGoogleLink();
  const [, navigate] = useLocation();
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate({ password }, { onSuccess: () => navigate(takeNext(), { replace: true }) });
  };
  const isGone = pending.error instanceof ApiError && pending.error.status === 404;
  const isGoneNow = confirm.error instanceof ApiError && confirm.error.status === 404;
  return (
    <AuthFrame
      title="Confirm it is your account"
      footer={
        <Link href="/sign-in" className="font-medium text-brand-ink underline">
          Back to sign in
        </Link>
      }
    >
      {pending.isPending ? (
        <Spinner label="Loading" />
      ) : isGone || isGoneNow ? (
        <p role="alert" className="text-sm">
          This Google sign-in is no longer waiting for a password: it expired after 10 minutes, or was already used. Sign in with Google
          again.
        </p>
      ) : pending.error ? (
        <ErrorNotice error={pending.error} title="Could not load this sign-in" onRetry={() => void pending.refetch()} />
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <p className="text-sm">
            An account with <strong>{pending.data?.email}</strong> already exists. Type its password once to link your Google account to it;
            after that, Sign in with Google takes you straight in.
          </p>
          <TextField label="Password" type="password" autoComplete="current-password" required value={password} onValue={setPassword} />
          <ErrorNotice error={confirm.error} title="Not linked" />
          <button type="submit" className="btn-primary w-full" disabled={confirm.isPending}>
            <Busy isBusy={confirm.isPending} busyText="Linking…">
              Link and sign in
            </Busy>
          </button>
        </form>
      )}
    </AuthFrame>
  );
}
