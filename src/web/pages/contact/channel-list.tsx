import { useId } from 'react';

export type Channel = { value: string; label: string };

const SUGGESTED_LABELS = ['home', 'work', 'mobile', 'other'];

export const channelsOf = (values: string[], labels: Record<string, string> = {}): Channel[] =>
  values.map((value) => ({ value, label: labels[value] ?? '' }));

/** The values and their labels as the API takes them; empty rows are left out. */
export function channelBody(rows: Channel[]) {
  const kept = rows.map((r) => ({ value: r.value.trim(), label: r.label.trim() })).filter((r) => r.value);
  return { values: kept.map((r) => r.value), labels: Object.fromEntries(kept.filter((r) => r.label).map((r) => [r.value, r.label])) };
}

/**
 * Emails or phones, each with an optional label ("home", "work", "mobile" or the practitioner's own
 * word). Errors from the server (`phones.1`) are shown beside the row they belong to.
 */
export function ChannelList({
  kind,
  rows,
  onChange,
  errors,
}: {
  kind: 'email' | 'phone';
  rows: Channel[];
  onChange: (rows: Channel[]) => void;
  errors: Record<string, string>;
}) {
  const id = useId();
  const noun = kind === 'email' ? 'Email' : 'Phone';
  const field = kind === 'email' ? 'emails' : 'phones';
  const set = (i: number, patch: Partial<Channel>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const listError = errors[field];
  return (
    <fieldset>
      <legend className="label">{noun}s</legend>
      <datalist id={`${id}-labels`}>
        {SUGGESTED_LABELS.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      <ul className="space-y-2">
        {rows.map((r, i) => {
          const error = errors[`${field}.${i}`] ?? errors[`${kind}Labels.${r.value}`];
          return (
            <li key={i} className="flex flex-wrap gap-2">
              <input
                className="input min-w-0 flex-[2_1_12rem]"
                type={kind === 'email' ? 'email' : 'tel'}
                autoComplete="off"
                aria-label={`${noun} ${i + 1}`}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error-${i}` : undefined}
                value={r.value}
                onChange={(e) => set(i, { value: e.target.value })}
              />
              <input
                className="input min-w-0 flex-[1_1_6rem]"
                list={`${id}-labels`}
                aria-label={`Label of ${kind} ${i + 1}`}
                placeholder="Label"
                maxLength={40}
                value={r.label}
                onChange={(e) => set(i, { label: e.target.value })}
              />
              <button
                type="button"
                className="btn-ghost"
                aria-label={`Remove ${kind} ${r.value || i + 1}`}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                Remove
              </button>
              {error && (
                <p id={`${id}-error-${i}`} role="alert" className="w-full text-sm font-medium text-danger">
                  {noun} {i + 1} {error}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {listError && (
        <p role="alert" className="mt-1 text-sm font-medium text-danger">
          {listError}
        </p>
      )}
      <button type="button" className="btn-secondary mt-2 py-1" onClick={() => onChange([...rows, { value: '', label: '' }])}>
        Add {kind === 'email' ? 'an email' : 'a phone'}
      </button>
    </fieldset>
  );
}
