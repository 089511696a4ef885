import { useId, type FormEvent, type ReactNode } from 'react';
import { useDraft } from '../../lib/use-draft';
import { fieldErrors } from '../../api/api-client';
import type { InteractionType } from '../../../shared/domain';
import type { Interaction } from '../../../shared/api/interactions';
import { INTERACTION_LABELS, INTERACTION_PICKER_TYPES as INTERACTION_TYPES } from '../../lib/labels';
import { Icon, type IconName } from '../../components/icons';
import { Busy, ErrorNotice, Field } from '../../components/ui';
import { formatDateTime, toLocalInput } from '../../lib/format';
import { templatesFor, withTemplate } from '../../lib/note-templates';

export const TYPE_ICON: Record<InteractionType, IconName> = {
  note: 'note',
  call: 'phone',
  meeting: 'calendar',
  email: 'mail',
  class_attendance: 'users',
};

export type EntryValues = {
  type: InteractionType;
  subject: string;
  content: string;
  when: string;
  sentiment: string;
  private: boolean;
};
export const blankEntry = (type: InteractionType = 'note'): EntryValues => ({
  type,
  subject: '',
  content: '',
  when: toLocalInput(new Date()),
  sentiment: '',
  private: false,
});
export const valuesOf = (i: Interaction): EntryValues => ({
  type: i.type,
  subject: i.subject,
  content: i.content,
  when: toLocalInput(new Date(i.occurredAt)),
  sentiment: i.sentiment === null ? '' : String(i.sentiment),
  private: i.private,
});
export const sentimentOf = (v: EntryValues) => (v.sentiment ? Number(v.sentiment) : null);
export const describeEntry = (i: Interaction) => `${INTERACTION_LABELS[i.type].toLowerCase()} ${i.subject || formatDateTime(i.occurredAt)}`;

/** The one small form behind both adding an entry and editing one in place. */
export function EntryForm({
  title,
  formLabel,
  initial,
  mutation,
  errorTitle,
  submitText,
  busyText,
  onSubmit,
  onCancel,
  children,
  draftKey,
}: {
  /** Where unsaved text is kept (lib/use-draft): per contact for a new entry, per entry for an edit. */
  draftKey: string;
  title: string;
  formLabel?: string;
  initial: EntryValues;
  mutation: { isPending: boolean; error: unknown };
  errorTitle: string;
  submitText: (type: InteractionType) => string;
  busyText: string;
  /** `reset` empties the form and drops the draft: call it once the entry is saved. */
  onSubmit: (values: EntryValues, reset: () => void) => void;
  onCancel?: () => void;
  /** Extra fields, placed before the buttons. */
  children?: ReactNode;
}) {
  const draft = useDraft(draftKey, initial);
  const values = draft.value;
  const set = <K extends keyof EntryValues>(key: K, value: EntryValues[K]) => draft.set((v) => ({ ...v, [key]: value }));
  const titleId = useId();
  const errors = fieldErrors(mutation.error);
  // In place inside a timeline entry the form sits one level below the section heading.
  const Heading = onCancel ? 'h3' : 'h2';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(values, () => draft.clear(blankEntry(values.type)));
  };
  return (
    <form
      onSubmit={submit}
      className="space-y-3"
      aria-labelledby={formLabel ? undefined : titleId}
      aria-label={formLabel}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && onCancel) {
          e.preventDefault();
          draft.clear();
          onCancel();
        }
      }}
    >
      <Heading id={titleId} className="font-semibold">
        {title}
      </Heading>
      <div role="radiogroup" aria-label="Kind of entry" className="flex flex-wrap gap-1">
        {INTERACTION_TYPES.map((t) => (
          <label
            key={t}
            className="btn-secondary cursor-pointer py-1 has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-strong"
          >
            <input type="radio" name={`${titleId}-type`} className="sr-only" checked={values.type === t} onChange={() => set('type', t)} />
            <Icon name={TYPE_ICON[t]} size={16} />
            {INTERACTION_LABELS[t]}
          </label>
        ))}
      </div>
      <div className="grid gap-3 sm:grid-cols-[1fr_auto_auto]">
        <Field label="Subject" error={errors.subject}>
          {(p) => (
            <input
              {...p}
              className="input"
              value={values.subject}
              onChange={(e) => set('subject', e.target.value)}
              placeholder="e.g. Follow-up on sleep routine"
              autoFocus={!!onCancel}
            />
          )}
        </Field>
        <Field label="When" error={errors.occurredAt}>
          {(p) => (
            <input
              {...p}
              className="input"
              type="datetime-local"
              required
              value={values.when}
              onChange={(e) => set('when', e.target.value)}
            />
          )}
        </Field>
        <Field label="Sentiment" error={errors.sentiment}>
          {(p) => (
            <select {...p} className="input" value={values.sentiment} onChange={(e) => set('sentiment', e.target.value)}>
              <option value="">Not set</option>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {n} of 5
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Details" error={errors.content}>
        {(p) => <textarea {...p} className="input" rows={3} value={values.content} onChange={(e) => set('content', e.target.value)} />}
      </Field>
      {templatesFor(values.type).length > 0 && (
        <div className="flex flex-wrap items-center gap-1 text-sm" role="group" aria-label="Note templates">
          <span className="text-muted">Template:</span>
          {templatesFor(values.type).map((t) => (
            <button
              key={t.id}
              type="button"
              className="btn-ghost px-2 py-0.5 text-sm underline"
              onClick={() => set('content', withTemplate(values.content, t))}
            >
              {t.label}
            </button>
          ))}
        </div>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={!!values.private} onChange={(e) => set('private', e.target.checked)} />
        <Icon name="lock" size={14} />
        Private: shown only to you, never sent to AI
      </label>
      {children}
      {!!mutation.error && !Object.keys(errors).length && <ErrorNotice error={mutation.error} title={errorTitle} />}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={mutation.isPending || (!values.subject.trim() && !values.content.trim())}>
          <Busy isBusy={mutation.isPending} busyText={busyText}>
            {submitText(values.type)}
          </Busy>
        </button>
        {onCancel && (
          <button
            type="button"
            className="btn-secondary"
            onClick={() => {
              draft.clear();
              onCancel();
            }}
          >
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
