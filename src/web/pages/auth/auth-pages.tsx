import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { fieldErrors } from '../../api/api-client';
import { useSignIn, useSignUp } from '../../api/auth.api';
import { Busy, ErrorNotice, TextField } from '../../components/ui';
import { AuthFrame } from './auth-frame';
import { GoogleSignInButton, GoogleSignInOutcome } from './google-signin';

/** Only same-site paths are followed after sign-in, never a full URL (no open redirect). */
function useNext(): string {
  const next = new URLSearchParams(useSearch()).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const signIn = useSignIn();
  const [, navigate] = useLocation();
  const next = useNext();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password }, { onSuccess: () => navigate(next, { replace: true }) });
  };
  return (
    <AuthFrame
      title="Welcome back"
      footer={
        <>
          New here?{' '}
          <Link
            href={`/sign-up${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}
            className="font-medium text-brand-ink underline"
          >
            Create an account
          </Link>
        </>
      }
    >
      <GoogleSignInOutcome />
      <form onSubmit={submit} className="space-y-4">
        <TextField label="Email" type="email" autoComplete="email" required value={email} onValue={setEmail} />
        <TextField label="Password" type="password" autoComplete="current-password" required value={password} onValue={setPassword} />
        <ErrorNotice error={signIn.error} title="Could not sign in" />
        <button type="submit" className="btn-primary w-full" disabled={signIn.isPending}>
          <Busy isBusy={signIn.isPending} busyText="Signing in…">
            Sign in
          </Busy>
        </button>
      </form>
      <GoogleSignInButton next={next} label="Sign in with Google" />
    </AuthFrame>
  );
}

export function SignUpPage() {
  const signUp = useSignUp();
  const [, navigate] = useLocation();
  const next = useNext();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const errors = fieldErrors(signUp.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The account starts in the browser's time zone (changed in Settings).
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
    signUp.mutate({ email, password, displayName, timezone }, { onSuccess: () => navigate(next, { replace: true }) });
  };
  return (
    <AuthFrame
      title="Create your account"
      footer={
        <>
          Already have an account?{' '}
          <Link href="/sign-in" className="font-medium text-brand-ink underline">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4">
        <TextField label="Your name" error={errors.displayName} autoComplete="name" value={displayName} onValue={setDisplayName} />
        <TextField label="Email" error={errors.email} type="email" autoComplete="email" required value={email} onValue={setEmail} />
        <TextField
          label="Password"
          error={errors.password}
          hint="At least 10 characters. A short sentence is easy to remember."
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          value={password}
          onValue={setPassword}
        />
        {signUp.error && Object.keys(errors).length === 0 && <ErrorNotice error={signUp.error} title="Could not create the account" />}
        <button type="submit" className="btn-primary w-full" disabled={signUp.isPending}>
          <Busy isBusy={signUp.isPending} busyText="Creating account…">
            Create account
          </Busy>
        </button>
      </form>
      <GoogleSignInButton next={next} label="Sign up with Google" />
    </AuthFrame>
  );
}
