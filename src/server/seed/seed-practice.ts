import { performance } from 'node:perf_hooks';
import type { Database } from '../platform/db.js';
import { hashPassword } from '../platform/crypto.js';
import { createRng, deriveSeed } from './prng.js';
import { createSeedRepo, SEED_TABLES, type SeedTable } from './seed.repo.js';
import { createSeedWriter } from './seed-writer.js';
import { generateContactChunk, type PracticeContext } from './seed-contacts.js';
import { generateTags, generateUser, generateWork } from './seed-work.js';

export type SeedOptions = {
  users: number;
  contactsPerUser: number;
  /** Average; spread unevenly across contacts, exact in total per 1,000 contacts. */
  interactionsPerContact?: number;
  emailPrefix?: string;
  seed?: number;
  /** "Now" for generated dates; pass one to get identical data on every run. */
  now?: Date;
  password?: string;
  /** INSERTs in flight at once on PostgreSQL (default 3); PGlite always runs one at a time. */
  concurrency?: number;
  /** Vacuum and analyze the loaded tables afterwards, as autovacuum soon would (default true). */
  analyze?: boolean;
  onProgress?: (message: string) => void;
};

export type SeedResult = {
  users: { id: string; email: string }[];
  password: string;
  /** Rows written per table, by SQL table name. */
  rows: Record<string, number>;
  seconds: number;
};

/** Bad options; the CLI prints the message without a stack trace (matched by name, as it is loaded lazily). */
export class SeedInputError extends Error {
  override name = 'SeedInputError';
}

export const DEFAULT_SEED_PASSWORD = 'mindful-practice-2025';
const CONTACTS_PER_CHUNK = 1000;
const MAX_ROWS_PER_STATEMENT = 5000;

function validate(o: SeedOptions): Required<Pick<SeedOptions, 'interactionsPerContact' | 'emailPrefix' | 'seed' | 'password'>> {
  const problems: string[] = [];
  if (!Number.isInteger(o.users) || o.users < 1 || o.users > 10_000) problems.push('users must be a whole number from 1 to 10,000');
  if (!Number.isInteger(o.contactsPerUser) || o.contactsPerUser < 0 || o.contactsPerUser > 1_000_000) {
    problems.push('contacts per user must be a whole number from 0 to 1,000,000');
  }
  const interactionsPerContact = o.interactionsPerContact ?? 3;
  if (!Number.isFinite(interactionsPerContact) || interactionsPerContact < 0 || interactionsPerContact > 1000) {
    problems.push('interactions per contact must be a number from 0 to 1,000');
  }
  const emailPrefix = o.emailPrefix ?? 'seed';
  if (!/^[a-z0-9][a-z0-9._-]{0,40}$/i.test(emailPrefix)) {
    problems.push('the email prefix must be 1–41 letters, digits, dots, dashes or underscores, starting with a letter or digit');
  }
  const password = o.password ?? DEFAULT_SEED_PASSWORD;
  if (password.length < 10) problems.push('the password must be at least 10 characters');
  if (problems.length) throw new SeedInputError(`Cannot seed: ${problems.join('; ')}.`);
  return { interactionsPerContact, emailPrefix, seed: o.seed ?? 1, password };
}

const sqlName = (table: string) => table.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

/**
 * Writes one realistic wellness practice per user in batched INSERTs (thousands of rows each).
 * Ids are made here, so children reference parents without reading anything back.
 */
export async function seedPractice(database: Database, options: SeedOptions): Promise<SeedResult> {
  const { interactionsPerContact, emailPrefix, seed, password } = validate(options);
  const started = performance.now();
  const now = (options.now ?? new Date()).getTime();
  const progress = options.onProgress ?? (() => {});
  const repo = createSeedRepo(database.db);
  // PGlite runs one statement at a time; PostgreSQL overlaps a few across pooled connections.
  const concurrency = database.kind === 'postgres' ? Math.max(1, Math.min(options.concurrency ?? 3, 16)) : 1;
  const writer = createSeedWriter(repo, { concurrency, maxRowsPerStatement: MAX_ROWS_PER_STATEMENT });

  const emails = Array.from({ length: options.users }, (_, i) => `${emailPrefix}-${i + 1}@example.test`);
  const taken = await repo.findExistingEmails(emails);
  if (taken.length) {
    throw new SeedInputError(
      `Accounts already exist for ${taken.slice(0, 3).join(', ')}${taken.length > 3 ? ` and ${taken.length - 3} more` : ''}. ` +
        'Choose another email prefix (--email-prefix) or seed a fresh database.',
    );
  }
  // Hashed once: argon2 is slow on purpose, and every seeded account shares the password.
  const passwordHash = await hashPassword(password);
  const userRows = emails.map((email, i) => generateUser(createRng(deriveSeed(seed, i, 0)), email, passwordHash, now));
  await writer.write('users', userRows);

  const contexts: PracticeContext[] = userRows.map((user, i) => {
    let sourceCounter = 0;
    return {
      rng: createRng(deriveSeed(seed, i, 1)),
      userId: user.id!,
      now,
      tagIds: [],
      contacts: [],
      nextSourceId: (prefix) => `${prefix}-${(++sourceCounter).toString(16).padStart(10, '0')}`,
    };
  });
  const tagRows = contexts.flatMap((ctx) => {
    const rows = generateTags(ctx.rng, ctx.userId, now);
    ctx.tagIds = rows.map((t) => t.id!);
    return rows;
  });
  await writer.write('tags', tagRows);

  // Bounds memory: only a few generated chunks wait for their INSERTs at any time.
  const maxPendingChunks = 2 * concurrency;
  for (const [i, ctx] of contexts.entries()) {
    const contactWrites: Promise<void>[] = [];
    for (let done = 0; done < options.contactsPerUser; done += CONTACTS_PER_CHUNK) {
      await writer.waitForRoom(maxPendingChunks);
      const chunk = generateContactChunk(ctx, Math.min(CONTACTS_PER_CHUNK, options.contactsPerUser - done), interactionsPerContact);
      const parents = writer.write('contacts', chunk.contacts);
      contactWrites.push(parents);
      // Children are queued only once their contacts are committed (foreign keys); meanwhile the
      // next chunk's contacts can already be written on another connection.
      writer.track(
        parents.then(() =>
          Promise.all([
            writer.write('contactTags', chunk.contactTags),
            writer.write('consents', chunk.consents),
            writer.write('interactions', chunk.interactions),
            writer.write('goals', chunk.goals),
            writer.write('calendarEvents', chunk.calendarEvents),
          ]),
        ),
      );
    }
    const work = generateWork(ctx);
    writer.track(
      (async () => {
        await Promise.all(contactWrites);
        await writer.write('projects', work.projects);
        await writer.write('tasks', work.tasks);
        await writer.write('tasks', work.subtasks);
        await Promise.all([
          writer.write('taskContacts', work.taskContacts),
          writer.write('taskActivities', work.taskActivities),
          writer.write('calendarEvents', work.calendarEvents),
        ]);
      })(),
    );
    progress(`user ${i + 1}/${contexts.length}: ${userRows[i]!.email}, ${ctx.contacts.length} contacts generated`);
    ctx.contacts = [];
  }
  await writer.drain();
  if (options.analyze ?? true) await repo.vacuumAnalyze(Object.keys(SEED_TABLES) as SeedTable[]);

  const counts = writer.counts();
  return {
    users: userRows.map((u) => ({ id: u.id!, email: u.email })),
    password,
    rows: Object.fromEntries(Object.keys(SEED_TABLES).map((t) => [sqlName(t), counts[t] ?? 0])),
    seconds: (performance.now() - started) / 1000,
  };
}
