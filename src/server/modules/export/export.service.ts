import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { LIMITS } from '../../platform/limits.js';
import { notFound } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/types.js';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import { DERIVED_TABLES, tablesFor, type ExportRepo, type ExportTable, type Scope } from './export.repo.js';

/** What each file of an export holds, for the README inside the archive. */
export const FILE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  users: 'your account: email, display name, time zone and settings (never the password)',
  sessions: 'the browsers signed in to the account (never the session ids)',
  oauth_connections: 'connected Google accounts and their scopes (never the tokens)',
  contacts: 'your clients: names, emails, phones, stage, notes, custom fields, important dates',
  tags: 'your tags',
  contact_tags: 'which contact carries which tag',
  consents: "each contact's consent decisions",
  interactions: 'the timeline: sessions, calls, emails and notes per contact (deleted_at set = in the trash)',
  goals: "clients' goals and progress",
  projects: 'your projects',
  tasks: 'tasks and subtasks',
  task_contacts: 'which contacts a task is about',
  task_activities: 'the history of changes to each task',
  contact_photos: 'photo records; the images themselves are in photos/<contact id>/<photo id>.webp',
  consent_evidence: 'evidence files of consent decisions; the files themselves are in consent-evidence/<contact id>/<file id>-<name>',
  calendar_events: 'calendar events (added by hand or synced)',
  emails: 'emails kept from a connected mailbox',
  documents: 'Google Drive documents that name your contacts, with their extracted text',
  document_contacts: 'which contacts each document names',
  sync_state: 'the state of each import or sync (never its tokens)',
  ai_insights: 'what the AI assistant concluded about a contact',
  ai_suggestions: 'changes the AI assistant proposed, and your decisions',
  llm_usage: 'each call to the AI model: task, model, tokens and cost (no content)',
  ai_prompts: 'each prompt sent to the AI model (emails and phones as placeholders) and its answer, with the contacts it was about',
  ai_event_classifications:
    'what the calendar classification concluded about each event (session or not, clients, type, topics, follow-ups)',
  ai_conversations: 'conversations with the assistant, with the contacts their answers showed',
  ai_messages: 'the questions asked to the assistant and its answers, with the records each answer cited',
  audit_log: 'the audit log: sign-ins, exports, erasures and other security-relevant actions',
  duplicate_dismissals: 'pairs of contacts you marked as not the same person',
  contact_merges: 'merges of duplicate contacts, with what undoing each one puts back (kept 30 days)',
  imports: 'contact and calendar imports: file name, status and report (the files themselves are not kept)',
  calendar_feeds: 'whether your calendar feed is on and since when (never its secret address)',
  calendar_subscriptions: 'the calendar addresses you subscribe to, with how their last fetch went',
  task_delegations: 'tasks split into subtasks per client segment, with the email drafts (proposed, approved or discarded)',
};

const datedName = (prefix: string, now: Date) => `${prefix}-${now.toISOString().slice(0, 10)}.zip`;

function readme(tables: readonly ExportTable[], scope: Scope, now: Date): string {
  const lines = [
    scope.contactId ? `MindfulCRM export of one contact (${scope.contactId})` : 'MindfulCRM export of the whole account',
    `Made at ${now.toISOString()}.`,
    '',
    'Each .jsonl file holds one JSON object per line, one line per record, with the columns of the',
    'record as they are stored (dates in ISO 8601, UTC). Files:',
    '',
    ...tables.map((t) => `${t.name}.jsonl: ${FILE_DESCRIPTIONS[t.name] ?? `rows of the ${t.name} table`}`),
    'photos/: the contact photos as WebP image files, one folder per contact.',
    'consent-evidence/: the files that show consent decisions (forms, scans, messages), one folder per contact.',
    '',
    ...(scope.contactId
      ? []
      : [
          `Not included: ${Object.entries(DERIVED_TABLES)
            .map(([n, why]) => `${n} (${why})`)
            .join('; ')}.`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}

/** Writes into `out`, waiting whenever its buffer is full: the reader's pace sets the producer's. */
async function write(out: PassThrough, chunk: string | Buffer) {
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('The archive was closed before it was complete'));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * Writes rows as lines in pieces of about LIMITS.export.chunkChars: a whole page joined into one
 * string (half a megabyte and more) would be a large object, which only a full collection frees,
 * and the embedded default's heap grew by ~10 MB during an account export from them alone.
 */
async function writeLines(out: PassThrough, rows: readonly string[]) {
  let chunk = '';
  for (const row of rows) {
    chunk += `${row}\n`;
    if (chunk.length >= LIMITS.export.chunkChars) {
      await write(out, chunk);
      chunk = '';
    }
  }
  if (chunk) await write(out, chunk);
}

type Deps = { repo: ExportRepo; limiter: RateLimiter; clock: () => Date };

export function createExportService({ repo, limiter, clock }: Deps) {
  /**
   * The archive as a stream. Entries are added one at a time and each is read to its end by the
   * archiver before the next is started, so at most a page of rows (or of photos) is in memory
   * whatever the size of the account, and a slow reader slows the database reads down.
   */
  // The archiver is loaded on the first export: the embedded default's memory budget has no room
  // for code that most processes never run (ARCHITECTURE.md, memory of the embedded default).
  async function stream(scope: Scope): Promise<Readable> {
    const { default: yazl } = await import('yazl');
    const zip = new yazl.ZipFile();
    // yazl's output is a stream.PassThrough; its typings only promise a NodeJS.ReadableStream.
    const output = zip.outputStream as unknown as PassThrough;
    const tables = tablesFor(scope);
    const now = clock();

    let current: PassThrough | undefined;
    // A reader that goes away (closed tab, cut connection) stops the producer at its next write.
    output.on('close', () => current?.destroy());

    async function addEntry(name: string, fill: (out: PassThrough) => Promise<void>) {
      const out = new PassThrough();
      current = out;
      zip.addReadStream(out, name, { mtime: now });
      await fill(out);
      out.end();
      await finished(out);
    }

    async function produce() {
      zip.addBuffer(Buffer.from(readme(tables, scope, now)), 'README.txt', { mtime: now });
      for (const t of tables) {
        await addEntry(`${t.name}.jsonl`, async (out) => {
          let after: string[] | undefined;
          do {
            const page = await repo.page(t, scope, after, LIMITS.export.pageRows);
            await writeLines(out, page.rows);
            after = page.after;
          } while (after && !output.destroyed);
        });
      }
      for (const kind of ['photos', 'evidence'] as const) {
        let afterId: string | undefined;
        do {
          const files = await repo.filePage(kind, scope, afterId, LIMITS.export.photoPageRows);
          for (const f of files) {
            const name =
              kind === 'photos'
                ? `photos/${f.contact_id}/${f.id}.${f.mime_type === 'image/webp' ? 'webp' : 'img'}`
                : `consent-evidence/${f.contact_id}/${f.id}-${(f.filename ?? 'evidence').replace(/[^\p{L}\p{N}._ -]/gu, '_')}`;
            await addEntry(name, (out) => write(out, f.data));
          }
          afterId = files.length === LIMITS.export.photoPageRows ? files.at(-1)!.id : undefined;
        } while (afterId && !output.destroyed);
      }
      zip.end();
    }

    produce().catch((err: unknown) => {
      // The answer has started: all that can be done is to cut it, so the download fails visibly
      // (Fastify logs the stream's error through the log serialisers, without client data).
      if (!output.destroyed) output.destroy(err instanceof Error ? err : new Error('export failed'));
    });
    return output;
  }

  async function start(actor: Actor, what: string) {
    await limiter.consume({ key: `export:${actor.userId}`, limit: { max: LIMITS.export.perUser, windowMs: LIMITS.export.windowMs } }, what);
  }

  return {
    /** Every record of the account, as a ZIP stream with a dated file name. */
    async exportAccount(actor: Actor) {
      await start(actor, 'exports');
      await repo.audit({ userId: actor.userId, action: 'export.account', entityType: 'account', entityId: actor.userId });
      return { filename: datedName('mindfulcrm-export', clock()), body: await stream({ userId: actor.userId }) };
    },

    /** One client's records (their access request), in the same shape. */
    async exportContact(actor: Actor, contactId: string) {
      if (!(await repo.ownsContact(actor.userId, contactId))) throw notFound('Contact');
      await start(actor, 'exports');
      await repo.audit({ userId: actor.userId, action: 'export.contact', entityType: 'contact', entityId: contactId });
      return {
        filename: datedName(`mindfulcrm-contact-${contactId.slice(0, 8)}`, clock()),
        body: await stream({ userId: actor.userId, contactId }),
      };
    },
  };
}
