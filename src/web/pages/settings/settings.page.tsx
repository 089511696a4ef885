import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { fieldErrors } from '../../api/api-client';
import { useChangePassword, useMe, useSignOut, useUpdateProfile } from '../../api/auth.api';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../../shared/domain';
import type { Theme, User } from '../../../shared/api/auth';
import { STAGE_LABELS } from '../../lib/labels';
import { useToast } from '../../app/toasts';
import { THEME_LABEL } from '../../app/theme';
import { Busy, ErrorNotice, Field, PageHeader, TextField } from '../../components/ui';
import { SessionsSection } from './sessions-section';
import { ActivitySection } from './activity-section';
import { CalendarFeedSection } from './calendar-feed-section';
import { GoogleSection } from './google-section';
import { CalendarSubscriptionsSection } from './calendar-subscriptions-section';
import { AiUsageSection } from './ai-usage-section';
import { FEATURES } from '../../lib/features';

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  const id = title.toLowerCase().replace(/\W+/g, '-');
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

/** Every zone this browser knows, the browser's own first: the field's searchable list. */
const TIME_ZONES = [...new Set([Intl.DateTimeFormat().resolvedOptions().timeZone, 'UTC', ...Intl.supportedValuesOf('timeZone')])];

function ProfileSection({ user }: { user: User }) {
  const update = useUpdateProfile();
  const toast = useToast();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [timezone, setTimezone] = useState(user.timezone);
  const errors = fieldErrors(update.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ displayName, timezone }, { onSuccess: () => toast.success('Profile saved.') });
  };
  return (
    <Section title="Profile">
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2">
        <TextField label="Display name" error={errors.displayName} value={displayName} onValue={setDisplayName} />
        <TextField
          label="Time zone"
          error={errors.timezone}
          hint="Type to search, e.g. Paris or New York. Today, “this week” and due dates follow it."
          list="tz-list"
          value={timezone}
          onValue={setTimezone}
        />
        <datalist id="tz-list">
          {TIME_ZONES.map((tz) => (
            <option key={tz} value={tz} label={tz.replace(/_/g, ' ')} />
          ))}
        </datalist>
        <p className="text-sm text-muted sm:col-span-2">Signed in as {user.email}</p>
        {update.error && !Object.keys(errors).length && <ErrorNotice error={update.error} title="Profile not saved" />}
        <div className="sm:col-span-2">
          <button type="submit" className="btn-primary" disabled={update.isPending}>
            <Busy isBusy={update.isPending} busyText="Saving…">
              Save profile
            </Busy>
          </button>
        </div>
      </form>
    </Section>
  );
}

function AppearanceSection({ user }: { user: User }) {
  const update = useUpdateProfile();
  const toast = useToast();
  const themes: Theme[] = ['light', 'dark', 'system'];
  // Optimistic: the choice shows at once, and goes back only if saving it fails.
  const [selected, setSelected] = useState<Theme>(user.settings.theme);
  useEffect(() => setSelected(user.settings.theme), [user.settings.theme]);
  const choose = (t: Theme) => {
    setSelected(t);
    update.mutate(
      { settings: { theme: t } },
      {
        onError: (e) => {
          setSelected(user.settings.theme);
          toast.error(e);
        },
      },
    );
  };
  return (
    <Section title="Appearance" description="Saved to your account, so every device you sign in on uses it.">
      <fieldset>
        <legend className="label">Theme</legend>
        <div className="flex flex-wrap gap-2">
          {themes.map((t) => (
            <label key={t} className="btn-secondary cursor-pointer has-[:checked]:border-brand has-[:checked]:bg-brand-soft">
              <input type="radio" name="theme" value={t} className="accent-teal-700" checked={selected === t} onChange={() => choose(t)} />
              {THEME_LABEL[t]}
            </label>
          ))}
        </div>
      </fieldset>
    </Section>
  );
}

function CadenceSection({ user }: { user: User }) {
  const update = useUpdateProfile();
  const toast = useToast();
  const [days, setDays] = useState<Record<string, string>>(() =>
    Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, String(user.settings.keepInTouchDays[s] ?? '')])),
  );
  const errors = fieldErrors(update.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const keepInTouchDays: Partial<Record<LifecycleStage, number>> = {};
    for (const s of LIFECYCLE_STAGES) if (days[s]) keepInTouchDays[s] = Number(days[s]);
    update.mutate({ settings: { keepInTouchDays } }, { onSuccess: () => toast.success('Keep-in-touch cadences saved.') });
  };
  return (
    <Section
      title="Keep in touch"
      description="How many days may pass without contact before a client shows up in your reconnect list, per lifecycle stage. A contact can override this on its own page."
    >
      <form onSubmit={submit}>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {LIFECYCLE_STAGES.map((s) => (
            <Field key={s} label={STAGE_LABELS[s]} error={errors[`settings.keepInTouchDays.${s}`]}>
              {(p) => (
                <div className="flex items-center gap-2">
                  <input
                    {...p}
                    className="input"
                    type="number"
                    min={1}
                    max={3650}
                    inputMode="numeric"
                    value={days[s]}
                    onChange={(e) => setDays({ ...days, [s]: e.target.value })}
                  />
                  <span className="text-sm text-muted">days</span>
                </div>
              )}
            </Field>
          ))}
        </div>
        {update.error && !Object.keys(errors).length && <ErrorNotice error={update.error} title="Cadences not saved" />}
        <button type="submit" className="btn-primary mt-4" disabled={update.isPending}>
          <Busy isBusy={update.isPending} busyText="Saving…">
            Save cadences
          </Busy>
        </button>
      </form>
    </Section>
  );
}

function PasswordSection() {
  const change = useChangePassword();
  const toast = useToast();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const errors = fieldErrors(change.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrent('');
          setNew('');
          toast.success('Password changed. Your other sessions were signed out.');
        },
      },
    );
  };
  return (
    <Section title="Password">
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Current password"
          error={errors.currentPassword}
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onValue={setCurrent}
        />
        <TextField
          label="New password"
          error={errors.newPassword}
          hint="At least 10 characters."
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          value={newPassword}
          onValue={setNew}
        />
        {change.error && !Object.keys(errors).length && <ErrorNotice error={change.error} title="Password not changed" />}
        <div className="sm:col-span-2">
          <button type="submit" className="btn-primary" disabled={change.isPending}>
            <Busy isBusy={change.isPending} busyText="Changing…">
              Change password
            </Busy>
          </button>
        </div>
      </form>
    </Section>
  );
}

function SignOutEverywhere() {
  const signOutAll = useSignOut(true);
  const [, navigate] = useLocation();
  return (
    <Section
      title="Sign out everywhere"
      description="Ends every session on every device, including this one. Use it if you lost a device or shared a computer."
    >
      <ErrorNotice error={signOutAll.error} title="Sessions were not ended" />
      <button
        type="button"
        className="btn-danger"
        disabled={signOutAll.isPending}
        onClick={() => signOutAll.mutate(undefined, { onSuccess: () => navigate('/sign-in') })}
      >
        <Busy isBusy={signOutAll.isPending} busyText="Signing out…">
          Sign out everywhere
        </Busy>
      </button>
    </Section>
  );
}

export default function SettingsPage() {
  const me = useMe();
  if (!me.data) return null;
  const user = me.data.user;
  return (
    <div className="mx-auto max-w-4xl space-y-5">
      <PageHeader title="Settings" subtitle="Your profile, how MindfulCRM looks, and how your account is kept safe." />
      <ProfileSection user={user} />
      <AppearanceSection user={user} />
      <CadenceSection user={user} />
      <GoogleSection />
      <CalendarFeedSection />
      <CalendarSubscriptionsSection />
      {FEATURES.ai && <AiUsageSection />}
      <PasswordSection />
      <SessionsSection />
      <ActivitySection />
      <SignOutEverywhere />
    </div>
  );
}
