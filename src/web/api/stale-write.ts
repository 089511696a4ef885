import { ApiError } from './api-client';

/**
 * A stale write (409, see shared/api/versions.ts) carries the record as it is now in
 * `details.current`; anything else answers undefined.
 */
export function staleCurrent<T extends { version: number }>(err: unknown): T | undefined {
  if (!(err instanceof ApiError) || err.status !== 409) return undefined;
  const details = err.details as { current?: T } | undefined;
  return details?.current && typeof details.current.version === 'number' ? details.current : undefined;
}

export type FieldChange = { field: string; label: string; theirs: string; yours: string };

/** A value as a person reads it in the comparison. */
export function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (Array.isArray(value)) return value.length ? value.map(shown).join(', ') : '(none)';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if ('label' in (value as object) && 'date' in (value as object))
      return `${shown((value as { label: unknown }).label)} ${shown((value as { date: unknown }).date)}`;
    return entries.length ? entries.map(([k, v]) => `${k}: ${shown(v)}`).join('; ') : '(none)';
  }
  return String(value);
}

/** The fields whose values differ between the record as it is now and the form, labelled. */
export function fieldChanges<T extends Record<string, unknown>>(
  theirs: T,
  yours: T,
  labels: Record<keyof T & string, string>,
): FieldChange[] {
  return (Object.keys(labels) as (keyof T & string)[])
    .filter((field) => JSON.stringify(theirs[field] ?? null) !== JSON.stringify(yours[field] ?? null))
    .map((field) => ({ field, label: labels[field], theirs: shown(theirs[field]), yours: shown(yours[field]) }));
}
