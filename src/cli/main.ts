import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config.js';
import { DataDirLockedError } from '../server/platform/data-dir-lock.js';
import { serve } from '../server/main.js';
import { openRuntime } from '../server/runtime.js';
import { CliInputError, createUser } from './create-user.js';

const USAGE = `Usage: mindfulcrm <command> [options]

Commands:
  serve                               start the API, the web app and the workers
  worker                              run only the job workers (scale-out, with DATABASE_URL)
  migrate                             apply database migrations and exit
  create-user --email E [--name N]    create an account; the password is asked for, or read from
       [--password-file F | --password-env V]   standard input, a file or an environment variable
  seed --users N --contacts M         add N demo practices with M contacts each
       [--interactions K] [--email-prefix P] [--seed S]

Settings come from environment variables; see the README.`;

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serve(config);
    case 'worker': {
      const { runWorker } = await import('../server/worker.js');
      return runWorker(config);
    }
    case 'migrate': {
      const runtime = await openRuntime(config);
      await runtime.close();
      process.stdout.write('Migrations applied.\n');
      return;
    }
    case 'create-user': {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          name: { type: 'string' },
          'password-file': { type: 'string' },
          'password-env': { type: 'string' },
          // Accepted only to be refused with a message (see read-password.ts).
          password: { type: 'string' },
        },
      });
      return createUser(config, values);
    }
    case 'seed': {
      // Loaded on demand: serving never needs the seeder's vocabulary and generators.
      const { seed } = await import('./seed.js');
      return seed(config, rest);
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

class UsageError extends Error {}

run(process.argv.slice(2)).catch((err: unknown) => {
  const isExpected =
    err instanceof ConfigError ||
    err instanceof DataDirLockedError ||
    err instanceof UsageError ||
    err instanceof CliInputError ||
    (err as Error).name === 'SeedInputError';
  process.stderr.write(`${isExpected ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(isExpected ? 2 : 1);
});
