import crypto from 'node:crypto';
import { buildSearchText } from '../modules/contacts/search-text.js';
import { phoneKeys } from '../modules/contacts/phones.js';
import type { Rng } from './prng.js';
import type { SeedRow } from './seed.repo.js';
import * as W from './practice-words.js';
import { generateInteractions } from './seed-interactions.js';

export const DAY_MS = 86_400_000;

/** One user's practice while it is being generated. */
export type PracticeContext = {
  rng: Rng;
  userId: string;
  now: number;
  /** The user's tag ids, most used first. */
  tagIds: string[];
  /** Unique per user: provider ids must not collide within (user, source). */
  nextSourceId(prefix: string): string;
  /** Every contact written so far, for tasks and upcoming sessions that name them. */
  contacts: { id: string; email: string; name: string }[];
  previous?: { name: string; lastName: string; emails: string[] };
};

export type ContactChunk = {
  contacts: SeedRow<'contacts'>[];
  contactTags: SeedRow<'contactTags'>[];
  consents: SeedRow<'consents'>[];
  interactions: SeedRow<'interactions'>[];
  goals: SeedRow<'goals'>[];
  calendarEvents: SeedRow<'calendarEvents'>[];
};

const STAGES = [
  ['discovery', 15],
  ['curious', 12],
  ['new_client', 15],
  ['core_client', 25],
  ['ambassador', 6],
  ['needs_reconnecting', 12],
  ['inactive', 10],
  ['collaborator', 5],
] as const;
const CLIENT_STAGES = new Set(['new_client', 'core_client', 'ambassador']);

/** "Małgorzata Ó Súilleabháin" → "malgorzata.osuilleabhain": what people type into email forms. */
export function emailLocalPart(...words: string[]): string {
  return words
    .join('.')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/[æÆ]/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[đĐ]/g, 'd')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '');
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function contactEmails(ctx: PracticeContext, first: string, last: string, ordinal: number): string[] {
  const { rng } = ctx;
  const emails = [`${emailLocalPart(first, last)}${ordinal}@${rng.pick(W.EMAIL_DOMAINS)}`];
  if (rng.chance(0.35)) emails.push(`${emailLocalPart(first)}${ordinal}@work.example`);
  if (rng.chance(0.08)) emails.push(`${emailLocalPart(first)}.${emailLocalPart(last)}@old.example`);
  // Families and couples often share one inbox: the same address on two contacts.
  if (ctx.previous && rng.chance(0.05)) emails.push(`the.${emailLocalPart(ctx.previous.lastName)}s@family.example`);
  return emails;
}

function customFields(rng: Rng): Record<string, string | number | boolean> {
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, values] of rng.sample(W.CUSTOM_FIELDS, rng.int(0, 4))) fields[key] = rng.pick(values);
  return fields;
}

function socialHandles(rng: Rng, first: string, last: string): Record<string, string> {
  const handles: Record<string, string> = {};
  if (rng.chance(0.4)) handles.instagram = `@${emailLocalPart(first)}.${rng.pick(['moves', 'breathes', 'yoga', 'wellness', 'life'])}`;
  if (rng.chance(0.15)) handles.linkedin = `linkedin.com/in/${emailLocalPart(first, last).replace(/\./g, '-')}`;
  if (rng.chance(0.05)) handles[rng.pick(W.SOCIAL_NETWORKS)] = `@${emailLocalPart(last)}${rng.int(1, 99)}`;
  return handles;
}

/** Interactions spread unevenly: some contacts were never contacted, a few very often. */
function allocateInteractions(rng: Rng, contactCount: number, total: number): number[] {
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < contactCount; i++) {
    sum += rng.chance(0.1) ? 0 : -Math.log(1 - rng.next());
    cumulative.push(sum);
  }
  const counts = new Array<number>(contactCount).fill(0);
  if (sum === 0) return counts;
  for (let n = 0; n < total; n++) {
    const target = rng.next() * sum;
    let lo = 0;
    let hi = contactCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]! += 1;
  }
  return counts;
}

export function generateContactChunk(ctx: PracticeContext, count: number, interactionsPerContact: number): ContactChunk {
  const { rng, userId, now } = ctx;
  const chunk: ContactChunk = { contacts: [], contactTags: [], consents: [], interactions: [], goals: [], calendarEvents: [] };
  const perContact = allocateInteractions(rng, count, Math.round(count * interactionsPerContact));

  for (let i = 0; i < count; i++) {
    const id = crypto.randomUUID();
    const ordinal = ctx.contacts.length + 1;
    let first: string = rng.pick(W.FIRST_NAMES);
    let last: string = rng.pick(W.LAST_NAMES);
    let name = `${first} ${last}${rng.chance(0.03) ? ` ${rng.pick(W.NAME_EMOJI)}` : ''}`;
    let emails = contactEmails(ctx, first, last, ordinal);
    // The same person entered twice (a typo or an import): same name and email as the last one.
    if (ctx.previous && rng.chance(0.02)) {
      name = ctx.previous.name;
      last = ctx.previous.lastName;
      first = name.split(' ')[0]!;
      emails = [ctx.previous.emails[0]!];
    }
    const phones = Array.from(
      {
        length: rng.weighted([
          [0, 2],
          [1, 6],
          [2, 2],
        ] as const),
      },
      () => `${rng.pick(W.PHONE_PREFIXES)}${rng.int(10, 99)}`,
    );
    const notes = rng.chance(0.25) ? '' : rng.sample(W.NOTE_SNIPPETS, rng.int(1, 2)).join(' ');
    const fields = customFields(rng);
    const handles = socialHandles(rng, first, last);
    const stage = rng.weighted(STAGES);
    const createdAt = now - DAY_MS - Math.floor(rng.next() * (3 * 365 - 1) * DAY_MS);
    const hasAiConsent = rng.chance(0.6);
    const hasPhotoConsent = rng.chance(0.35);

    const contactInteractions = generateInteractions(ctx, id, emails[0]!, name, createdAt, perContact[i]!, chunk.calendarEvents);
    let lastContactAt: number | null = null;
    for (const it of contactInteractions) {
      // A private note is not contact with the client (the same rule as the interactions service).
      if (it.type !== 'note') lastContactAt = Math.max(lastContactAt ?? 0, it.occurredAt.getTime());
    }
    chunk.interactions.push(...contactInteractions);

    chunk.contacts.push({
      id,
      userId,
      name,
      emails,
      phones,
      phonesE164: phoneKeys(phones, null),
      lifecycleStage: stage,
      status: rng.weighted([
        ['active', 85],
        ['paused', 10],
        ['archived', 5],
      ] as const),
      sentiment: rng.chance(0.2)
        ? null
        : rng.weighted([
            [1, 1],
            [2, 2],
            [3, 5],
            [4, 8],
            [5, 5],
          ] as const),
      engagementTrend: rng.weighted([
        ['rising', 2],
        ['steady', 5],
        ['declining', 2],
        ['unknown', 3],
      ] as const),
      notes,
      customFields: fields,
      socialHandles: handles,
      referralCount: rng.chance(0.8) ? 0 : rng.int(1, 6),
      birthday: rng.chance(0.6)
        ? `${rng.int(1950, 2005)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`
        : null,
      importantDates: rng.chance(0.3)
        ? [
            {
              label: rng.pick(['First session', 'Wedding anniversary', 'Retreat anniversary', 'Due date']),
              date: isoDay(createdAt + rng.int(0, 400) * DAY_MS),
            },
          ]
        : [],
      keepInTouchDays: rng.chance(0.15) ? rng.pick([7, 14, 30, 60]) : null,
      lastContactAt: lastContactAt === null ? null : new Date(lastContactAt),
      searchText: buildSearchText({ name, emails, phones, notes, customFields: fields, socialHandles: handles }),
      createdAt: new Date(createdAt),
      updatedAt: new Date(Math.max(createdAt, lastContactAt ?? createdAt)),
    });

    // Popular tags first: tag filters then range from broad to selective.
    const tagCount = rng.weighted([
      [0, 2],
      [1, 4],
      [2, 3],
      [3, 2],
      [4, 1],
    ] as const);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(tagCount, ctx.tagIds.length)) {
      chosen.add(ctx.tagIds[Math.floor(Math.pow(rng.next(), 1.6) * ctx.tagIds.length)]!);
    }
    for (const tagId of chosen) chunk.contactTags.push({ contactId: id, tagId, userId, createdAt: new Date(createdAt) });

    pushConsents(ctx, chunk, id, createdAt, { ai_processing: hasAiConsent, photo_enrichment: hasPhotoConsent });
    if (CLIENT_STAGES.has(stage) && rng.chance(0.4)) pushGoals(ctx, chunk, id, createdAt);

    ctx.contacts.push({ id, email: emails[0]!, name });
    ctx.previous = { name, lastName: last, emails };
  }
  return chunk;
}

function pushConsents(
  ctx: PracticeContext,
  chunk: ContactChunk,
  contactId: string,
  createdAt: number,
  latest: Record<'ai_processing' | 'photo_enrichment', boolean>,
) {
  const { rng, userId, now } = ctx;
  const at = () => new Date(createdAt + Math.floor(rng.next() * (now - createdAt)));
  const entry = { userId, contactId, recordedBy: userId };
  for (const purpose of ['ai_processing', 'photo_enrichment'] as const) {
    // A granted consent always has its record; most people who did not grant were never asked.
    if (!latest[purpose] && rng.chance(0.8)) continue;
    if (rng.chance(0.05))
      chunk.consents.push({ ...entry, purpose, isGranted: !latest[purpose], method: 'form', recordedAt: new Date(createdAt) });
    chunk.consents.push({
      ...entry,
      purpose,
      isGranted: latest[purpose],
      method: rng.pick(['form', 'other', 'email'] as const),
      recordedAt: at(),
    });
  }
  if (rng.chance(0.1))
    chunk.consents.push({
      ...entry,
      purpose: 'email_ingestion',
      isGranted: rng.chance(0.7),
      method: 'form',
      recordedAt: at(),
    });
}

function pushGoals(ctx: PracticeContext, chunk: ContactChunk, contactId: string, createdAt: number) {
  const { rng, userId, now } = ctx;
  for (const [title, target, unit] of rng.sample(W.GOAL_TEMPLATES, rng.int(1, 2))) {
    const status = rng.weighted([
      ['active', 6],
      ['completed', 3],
      ['paused', 1],
    ] as const);
    const started = createdAt + Math.floor(rng.next() * (now - createdAt));
    chunk.goals.push({
      userId,
      contactId,
      title,
      description: rng.chance(0.5) ? 'Agreed together in session.' : '',
      targetValue: target,
      currentValue: status === 'completed' ? target : rng.int(0, target - 1),
      unit,
      status,
      deadline: rng.chance(0.6) ? isoDay(started + rng.int(14, 120) * DAY_MS) : null,
      completedAt: status === 'completed' ? new Date(Math.min(now, started + rng.int(7, 90) * DAY_MS)) : null,
      createdAt: new Date(started),
      updatedAt: new Date(started),
    });
  }
}
