import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ImportedInteraction } from '../../../shared/api/interactions.js';
import type { CalendarCounts } from '../../../shared/api/imports.js';
import { LIMITS } from '../../platform/limits.js';
import type { createInteractionsService } from '../interactions/interactions.service.js';
import { readCalendar, uidKey } from './ics.js';
import type { ImportsRepo } from './imports.repo.js';

export type IngestDeps = {
  repo: Pick<ImportsRepo, 'timezoneOf' | 'calendarContacts' | 'calendarSourceIds'>;
  interactions: Pick<ReturnType<typeof createInteractionsService>, 'upsertMany' | 'removeFromSource'>;
  clock: () => Date;
};

/**
 * Where the entries of a calendar live: a file's entries are keyed `ics:<UID>:…` (a later file with
 * the same events updates them), a subscription's `icsfeed:<subscription id>:<UID>:…`.
 */
export type IngestScope = { kind: 'file' } | { kind: 'subscription'; id: string };

export type IngestResult = CalendarCounts & { failures: { line: number; field: string; reason: string }[] };

const MAX_CONTENT = 4_000;

/**
 * Reads an iCalendar text and writes one meeting per occurrence × contact in it (organiser or
 * attendee, by any of the contact's emails, with calendar_ingestion consent) through the
 * interactions service, in batches; then removes what the previous import of these events wrote
 * and this one no longer has (unless the file was cut at the occurrence cap).
 */
export async function ingestCalendar(
  deps: IngestDeps,
  userId: string,
  text: string,
  scope: IngestScope,
  progress?: (processed: number, total: number) => Promise<void>,
): Promise<IngestResult> {
  const timezone = await deps.repo.timezoneOf(userId);
  const cal = await readCalendar(text, { now: deps.clock(), timezone });
  const base = scope.kind === 'file' ? 'ics:' : `icsfeed:${scope.id}:`;
  const emails = [...new Set(cal.occurrences.flatMap((o) => o.emails))];
  const people = await deps.repo.calendarContacts(userId, emails);
  const byEmail = new Map<string, string[]>();
  for (const p of people) for (const e of p.emails) byEmail.set(e, [...(byEmail.get(e) ?? []), p.id]);

  const result: IngestResult = {
    events: cal.events,
    occurrences: cal.occurrences.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    unmatched: 0,
    failures: cal.broken.map((b, i) => ({ line: i + 1, field: 'event', reason: b.reason })),
  };
  const keep = new Map<string, string[]>();
  const items: ImportedInteraction[] = [];
  for (const o of cal.occurrences) {
    const ids = new Set(o.emails.flatMap((e) => byEmail.get(e) ?? []));
    if (!ids.size) {
      result.unmatched++;
      continue;
    }
    const prefix = `${base}${uidKey(o.uid)}:`;
    const kept = keep.get(prefix) ?? [];
    keep.set(prefix, kept);
    for (const contactId of ids) {
      const sourceId = `${prefix}${o.key}:${contactId}`;
      kept.push(sourceId);
      items.push({
        contactId,
        type: 'meeting',
        subject: o.summary || 'Calendar event',
        content: o.description.slice(0, MAX_CONTENT),
        occurredAt: o.start,
        source: 'import',
        sourceId,
        metadata: {
          calendar: scope.kind === 'file' ? 'ics' : 'subscription',
          end: o.end?.toISOString() ?? null,
          allDay: o.allDay,
          ...(o.location ? { location: o.location } : {}),
        },
      });
    }
  }
  const total = items.length;
  for (let start = 0; start < total; start += LIMITS.imports.batchRows) {
    const written = await deps.interactions.upsertMany(userId, items.slice(start, start + LIMITS.imports.batchRows));
    result.created += written.inserted;
    result.updated += written.updated;
    result.unchanged += written.unchanged;
    await progress?.(Math.min(total, start + LIMITS.imports.batchRows), total);
    // PGlite answers on microtasks: without a turn of the event loop between batches, a whole
    // import's statements run as one block and every other request waits (1.5 s for 2,000 events).
    await yieldToLoop();
  }
  // A file cut at the occurrence cap does not say what disappeared.
  if (cal.occurrences.length < LIMITS.icsImport.maxOccurrences) {
    if (scope.kind === 'subscription') {
      result.removed += await deps.interactions.removeFromSource(userId, 'import', base, [...keep.values()].flat());
    } else {
      // Only the events of this file that have entries it no longer holds.
      const inFile = new Set(cal.uids.map((uid) => `${base}${uidKey(uid)}:`));
      const kept = new Set([...keep.values()].flat());
      const stale = new Set<string>();
      for (const sourceId of await deps.repo.calendarSourceIds(userId)) {
        if (kept.has(sourceId)) continue;
        const prefix = sourceId.slice(0, sourceId.indexOf(':', base.length) + 1);
        if (inFile.has(prefix)) stale.add(prefix);
      }
      // One statement for all of them.
      result.removed += await deps.interactions.removeFromSource(
        userId,
        'import',
        [...stale],
        [...stale].flatMap((prefix) => keep.get(prefix) ?? []),
      );
    }
  }
  return result;
}
