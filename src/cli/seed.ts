import { parseArgs } from 'node:util';
import type { Config } from '../server/config.js';
import { openRuntime } from '../server/runtime.js';
import { seedPractice, SeedInputError } from '../server/seed/seed-practice.js';

export { SeedInputError };

const SEED_OPTIONS = {
  users: { type: 'string' },
  contacts: { type: 'string' },
  interactions: { type: 'string' },
  'email-prefix': { type: 'string' },
  seed: { type: 'string' },
} as const;

function numberFlag(flag: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new SeedInputError(`--${flag} is required.`);
  }
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new SeedInputError(`--${flag} must be a number, got "${value}".`);
  return n;
}

/** `mindfulcrm seed --users N --contacts M`: M contacts per user, through the configured database. */
export async function seed(config: Config, args: string[]): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args, options: SEED_OPTIONS, strict: true }));
  } catch (err) {
    throw new SeedInputError(
      `${(err as Error).message}\nUsage: mindfulcrm seed --users N --contacts M [--interactions K] [--email-prefix P] [--seed S]`,
    );
  }
  const options = {
    users: numberFlag('users', values.users),
    contactsPerUser: numberFlag('contacts', values.contacts),
    interactionsPerContact: numberFlag('interactions', values.interactions, 3),
    emailPrefix: values['email-prefix'] ?? 'seed',
    seed: numberFlag('seed', values.seed, 1),
  };
  const runtime = await openRuntime(config);
  try {
    const where = runtime.database.kind === 'pglite' ? `the embedded database in ${config.dataDir}` : 'PostgreSQL';
    process.stdout.write(`Seeding ${options.users} × ${options.contactsPerUser} contacts into ${where}…\n`);
    const result = await seedPractice(runtime.database, { ...options, onProgress: (m) => process.stdout.write(`  ${m}\n`) });
    const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
    const width = Math.max(...Object.keys(result.rows).map((k) => k.length));
    process.stdout.write('\nRows written:\n');
    for (const [table, n] of Object.entries(result.rows))
      process.stdout.write(`  ${table.padEnd(width)}  ${n.toLocaleString('en-US').padStart(10)}\n`);
    process.stdout.write(`  ${'total'.padEnd(width)}  ${total.toLocaleString('en-US').padStart(10)}\n`);
    const first = result.users[0]!.email;
    const last = result.users[result.users.length - 1]!.email;
    process.stdout.write(
      `\nSeeded ${result.users.length} ${result.users.length === 1 ? 'user' : 'users'} in ${result.seconds.toFixed(1)} s (${Math.round(total / result.seconds).toLocaleString('en-US')} rows/s).\n` +
        `Sign in as ${first}${result.users.length > 1 ? ` … ${last}` : ''} with the password: ${result.password}\n`,
    );
  } finally {
    await runtime.close();
  }
}
