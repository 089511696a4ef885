import type { gmail_v1 } from '@googleapis/gmail';
import type { Db } from '../../platform/db.js';
import { LIMITS } from '../../platform/limits.js';
import { allowedContactIds } from '../consent/consent.repo.js';
import type { ImportedInteraction } from '../../../shared/api/interactions.js';
import type { Actor } from '../../platform/http/types.js';
import type { GoogleRepo } from './google.repo.js';
import type { GoogleClients } from './google-clients.js';
import type { GoogleService } from './google.service.js';
import { classifyGoogleError } from './google-errors.js';
import { createSyncControls } from './sync-controls.js';

type Interactions = {
  upsertMany(
    userId: string,
    items: ImportedInteraction[],
  ): Promise<{ inserted: number; updated: number; unchanged: number; skipped: number }>;
};

type Deps = {
  repo: GoogleRepo;
  db: Db;
  google: GoogleService;
  clients: GoogleClients;
  interactions: Interactions;
  clock: () => Date;
  /** How many days back the first sync (and a resync after an expired history id) reads. */
  syncDays: number;
  enqueue?: (userId: string, startAfterSeconds?: number) => Promise<string | null>;
};

type Stats = { messages: number; stored: number; inserted: number; skipped: number; pages: number };

const PROVIDER = 'gmail';
const EXCLUDED_LABELS = new Set(['CATEGORY_PROMOTIONS', 'CATEGORY_SOCIAL', 'CATEGORY_FORUMS', 'SPAM', 'TRASH']);
const NO_REPLY = /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|notifications?)([-_.+][^@]*)?@/i;
const ADDRESS = /[^\s<>,;"'()]+@[^\s<>,;"'()]+\.[^\s<>,;"'()]+/g;

const addresses = (value: string | undefined) => [...(value ?? '').matchAll(ADDRESS)].map((m) => m[0].toLowerCase());
const header = (m: gmail_v1.Schema$Message, name: string) =>
  m.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;
const decode = (data: string | null | undefined) => (data ? Buffer.from(data, 'base64url').toString('utf8') : '');

function partsOf(part: gmail_v1.Schema$MessagePart | undefined): gmail_v1.Schema$MessagePart[] {
  if (!part) return [];
  return [part, ...(part.parts ?? []).flatMap(partsOf)];
}

/** The body as plain text: the text/plain part, else the text/html part converted; capped. */
async function bodyText(m: gmail_v1.Schema$Message): Promise<string> {
  const parts = partsOf(m.payload);
  const plain = parts.find((p) => p.mimeType === 'text/plain' && p.body?.data);
  if (plain) return decode(plain.body?.data).slice(0, LIMITS.google.emailBodyChars);
  const html = parts.find((p) => p.mimeType === 'text/html' && p.body?.data);
  if (!html) return '';
  const { convert } = await import('html-to-text');
  const source = decode(html.body?.data).slice(0, LIMITS.google.emailBodyChars * 4);
  return convert(source, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] })
    .trim()
    .slice(0, LIMITS.google.emailBodyChars);
}

/** Newsletters, automated senders and Gmail's promotions/social/forums tabs are never stored. */
function isBulk(m: gmail_v1.Schema$Message): boolean {
  if ((m.labelIds ?? []).some((l) => EXCLUDED_LABELS.has(l))) return true;
  if (header(m, 'List-Unsubscribe')) return true;
  const from = addresses(header(m, 'From'))[0];
  return !from || NO_REPLY.test(from);
}

/**
 * The messages of `ids` in full, `LIMITS.google.messageFetches` asked at a time, in the order of
 * `ids`; one deleted between the listing and this read (404) is left out. The first other failure
 * stops the asking and is thrown.
 */
async function fetchMessages(api: gmail_v1.Gmail, ids: string[]): Promise<gmail_v1.Schema$Message[]> {
  const found: (gmail_v1.Schema$Message | undefined)[] = [];
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < ids.length && !failed) {
      const i = next++;
      try {
        found[i] = (await api.users.messages.get({ userId: 'me', id: ids[i]!, format: 'full' })).data;
      } catch (err) {
        if (classifyGoogleError(err).kind === 'not_found') continue;
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIMITS.google.messageFetches, ids.length) }, worker));
  return found.filter((m): m is gmail_v1.Schema$Message => !!m);
}

/**
 * Gmail sync for one user: a first read of the last `syncDays` days, then incremental through the
 * history id (an expired one, 404: the bounded read again). A message is stored only when it is to
 * or from a contact whose email_ingestion consent allows it, and is not bulk mail; it becomes one
 * `emails` row (deduplicated by message id) and one timeline entry per linked contact, a page at a time.
 */
export function createGmailSync({ repo, db, google, clients, interactions, clock, syncDays, enqueue }: Deps) {
  async function writePage(userId: string, api: gmail_v1.Gmail, ids: string[], self: string, stats: Stats) {
    stats.pages += 1;
    stats.messages += ids.length;
    const stored = await repo.storedMessageIds(userId, ids);
    const fresh = [...new Set(ids)].filter((id) => !stored.has(id));
    const messages = await fetchMessages(api, fresh);
    const candidates = messages.filter((m) => m.id && !isBulk(m));
    const participants = (m: gmail_v1.Schema$Message) =>
      [...new Set([...addresses(header(m, 'From')), ...addresses(header(m, 'To')), ...addresses(header(m, 'Cc'))])].filter(
        (a) => a !== self,
      );
    const matches = await repo.contactsByEmail(userId, [...new Set(candidates.flatMap(participants))]);
    const allowed = await allowedContactIds(db, userId, 'email_ingestion', [...new Set(matches.map((m) => m.id))]);
    const byEmail = new Map<string, string[]>();
    for (const m of matches) if (allowed.has(m.id)) byEmail.set(m.email, [...(byEmail.get(m.email) ?? []), m.id]);

    const rows: Parameters<GoogleRepo['insertEmails']>[0] = [];
    const entries: ImportedInteraction[] = [];
    for (const m of candidates) {
      const contactIds = [...new Set(participants(m).flatMap((a) => byEmail.get(a) ?? []))];
      if (!contactIds.length) {
        stats.skipped += 1;
        continue;
      }
      const from = addresses(header(m, 'From'))[0]!;
      const sentAt = new Date(Number(m.internalDate) || Date.parse(header(m, 'Date') ?? '') || clock().getTime());
      const subject = (header(m, 'Subject') ?? '').slice(0, LIMITS.text.short);
      const body = await bodyText(m);
      const direction = from === self ? ('outbound' as const) : ('inbound' as const);
      rows.push({
        userId,
        gmailMessageId: m.id!,
        threadId: m.threadId ?? m.id!,
        contactId: contactIds[0]!,
        contactIds,
        direction,
        fromAddress: from,
        toAddresses: [...addresses(header(m, 'To')), ...addresses(header(m, 'Cc'))],
        subject,
        snippet: (m.snippet ?? '').slice(0, LIMITS.text.short),
        bodyText: body,
        labels: m.labelIds ?? [],
        sentAt,
      });
      for (const contactId of contactIds) {
        entries.push({
          contactId,
          type: 'email',
          subject,
          content: body,
          occurredAt: sentAt.toISOString(),
          source: 'gmail',
          sourceId: `${m.id}:${contactId}`,
          metadata: { messageId: m.id, threadId: m.threadId ?? m.id, direction },
        });
      }
    }
    stats.stored += await repo.insertEmails(rows);
    if (entries.length) stats.inserted += (await interactions.upsertMany(userId, entries)).inserted;
  }

  /** The bounded read: every message of the last `syncDays` days, a page at a time. */
  async function fullSync(userId: string, api: gmail_v1.Gmail, self: string, stats: Stats, progress: () => Promise<void>) {
    // The history id before the read: whatever arrives while it runs shows in the next incremental sync.
    const profile = await api.users.getProfile({ userId: 'me' });
    const after = Math.floor((clock().getTime() - syncDays * 86_400_000) / 1000);
    let pageToken: string | undefined;
    do {
      const res = await api.users.messages.list({
        userId: 'me',
        q: `after:${after}`,
        maxResults: LIMITS.google.messagesPageSize,
        ...(pageToken ? { pageToken } : {}),
      });
      await writePage(userId, api, (res.data.messages ?? []).map((m) => m.id!).filter(Boolean), self, stats);
      await progress();
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return profile.data.historyId ?? null;
  }

  async function incremental(
    userId: string,
    api: gmail_v1.Gmail,
    self: string,
    startHistoryId: string,
    stats: Stats,
    progress: () => Promise<void>,
  ) {
    let pageToken: string | undefined;
    let historyId: string | null | undefined = startHistoryId;
    do {
      const res = await api.users.history.list({
        userId: 'me',
        startHistoryId,
        historyTypes: ['messageAdded'],
        maxResults: LIMITS.google.messagesPageSize,
        ...(pageToken ? { pageToken } : {}),
      });
      const ids = (res.data.history ?? [])
        .flatMap((h) => (h.messagesAdded ?? []).map((a) => a.message?.id))
        .filter((x): x is string => !!x);
      if (ids.length) await writePage(userId, api, ids, self, stats);
      await progress();
      pageToken = res.data.nextPageToken ?? undefined;
      historyId = res.data.historyId ?? historyId;
    } while (pageToken);
    return historyId;
  }

  const controls = createSyncControls({ repo, google, clock, service: 'gmail', provider: PROVIDER, label: 'Gmail', enqueue });

  /** One run for one user; like the calendar run, a temporary failure throws (the job retries it). */
  function run(userId: string, jobId?: string, log?: { warn(obj: object, msg: string): void }): Promise<Stats | undefined> {
    const stats: Stats = { messages: 0, stored: 0, inserted: 0, skipped: 0, pages: 0 };
    return controls.run(
      userId,
      stats,
      async ({ cursor, progress }) => {
        const { client, connection } = await google.authorized(userId);
        const api = await clients.gmail(client);
        const self = (connection.accountEmail ?? '').toLowerCase();
        let historyId: string | null | undefined;
        if (cursor) {
          try {
            historyId = await incremental(userId, api, self, cursor, stats, progress);
          } catch (err) {
            // An expired history id (404): the bounded read again (stored messages are not fetched twice).
            if (classifyGoogleError(err).kind !== 'not_found') throw err;
            historyId = await fullSync(userId, api, self, stats, progress);
          }
        } else {
          historyId = await fullSync(userId, api, self, stats, progress);
        }
        return { cursor: historyId ?? null, items: stats.messages };
      },
      jobId,
      log,
    );
  }

  return {
    run,
    status: controls.status,
    scheduleAll: controls.scheduleAll,
    job: controls.job,
    /** "Sync now": queues the job (one waiting per user at most) and answers its id. */
    start: (actor: Actor) => controls.start(actor, run),
  };
}
