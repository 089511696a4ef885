import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { fieldErrors } from '../../api/api-client';
import { useMe } from '../../api/auth.api';
import { ACCOUNT_EXPORT_URL, useDeleteAccount } from '../../api/privacy.api';
import { findRoute } from '../../app/routes';
import { Busy, ErrorNotice, Field, PageHeader } from '../../components/ui';

const AUDIT_PATH = '/settings/audit';
const CONFIRM_WORD = 'DELETE';

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  const id = `privacy-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="card p-5">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {description && <p className="mt-1 text-sm text-muted">{description}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

function WhereDataLives() {
  return (
    <Section title="Where your data lives">
      <ul className="list-disc space-y-2 pl-5 text-sm">
        <li>
          Everything you enter (clients, notes, timeline, goals, tasks, photos) is stored in this MindfulCRM server's own database, run by
          whoever hosts it for you. Photos are kept in the same database, not on another service.
        </li>
        <li>
          Nothing is sent to other companies today: MindfulCRM makes no calls to outside services. Features that will (Google sync, an AI
          assistant) will be listed here, and each will ask for your clients' consent first.
        </li>
        <li>Sign-in sessions are kept on the server; your password is stored only as a one-way hash.</li>
        <li>An export is built on the server and goes only to your browser, as a download.</li>
        <li>
          Deleting a client removes them for good, with their timeline, goals, photos, consents, emails and calendar links. The audit log
          keeps a line saying a client was erased, without their name.
        </li>
      </ul>
    </Section>
  );
}

function ExportSection() {
  return (
    <Section
      title="Download your data"
      description="One ZIP file with everything in your account: a JSON Lines file per kind of record, your clients' photos, and a README explaining each file. A client's own data can be downloaded from their page."
    >
      <a className="btn-primary inline-flex" href={ACCOUNT_EXPORT_URL} download>
        Download export (.zip)
      </a>
    </Section>
  );
}

function AuditSection() {
  // The audit log page lands with its own module; until then this says what it will hold.
  const hasAuditPage = findRoute(AUDIT_PATH) !== null;
  return (
    <Section title="Audit log" description="Sign-ins, exports, erasures, consent changes and merges, newest first.">
      {hasAuditPage ? (
        <Link href={AUDIT_PATH} className="btn-secondary inline-flex">
          Open the audit log
        </Link>
      ) : (
        <p className="text-sm text-muted">The audit log is recorded and will be shown here.</p>
      )}
    </Section>
  );
}

function DeleteAccountSection({ hasPassword }: { hasPassword: boolean }) {
  const remove = useDeleteAccount();
  const [, navigate] = useLocation();
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const errors = fieldErrors(remove.error);
  const isConfirmed = typed.trim() === CONFIRM_WORD && (!hasPassword || password.length > 0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!isConfirmed) return;
    remove.mutate(hasPassword ? { password } : {}, { onSuccess: () => navigate('/sign-in') });
  };
  return (
    <Section
      title="Delete your account"
      description="Deletes your account and every client, note, photo and task in it, and signs you out on every device. This cannot be undone: download an export first if you want a copy."
    >
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2">
        {hasPassword && (
          <Field label="Your password" error={errors.password}>
            {(p) => (
              <input
                {...p}
                className="input"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
        )}
        <Field label={`Type ${CONFIRM_WORD} to confirm`}>
          {(p) => <input {...p} className="input" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />}
        </Field>
        {remove.error && !Object.keys(errors).length && <ErrorNotice error={remove.error} title="Account not deleted" />}
        <div className="sm:col-span-2">
          <button type="submit" className="btn-danger" disabled={!isConfirmed || remove.isPending}>
            <Busy isBusy={remove.isPending} busyText="Deleting…">
              Delete my account
            </Busy>
          </button>
        </div>
      </form>
    </Section>
  );
}

export default function PrivacyPage() {
  const me = useMe();
  if (!me.data) return null;
  return (
    <div className="mx-auto max-w-4xl space-y-5">
      <PageHeader title="Privacy" subtitle="Your data: where it lives, how to take it with you, and how to delete it." />
      <WhereDataLives />
      <ExportSection />
      <AuditSection />
      <DeleteAccountSection hasPassword={me.data.user.hasPassword} />
    </div>
  );
}
