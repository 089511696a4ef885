import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config.js';
import { DataDirLockedError } from '../server/platform/data-dir-lock.js';
import { serve } from '../server/main.js';
import { openRuntime } from '../server/runtime.js';
import { CliInputError, createUser } from './create-user.js';

const USAGE = `Usage: mindfulcrm <command> [options]

Commands:
  serve                               start the API, the web app and the workers
  migrate                             apply database migrations and exit
  create-user --email E --password P  create an account

Settings come from environment variables; see the README.`;

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate': {
      const runtime = await openRuntime(config);
      await runtime.close();
      process.stdout.write('Migrations applied.\n');
      return;
    }
    case 'create-user': {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
      return createUser(config, values);
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
  const isExpected = err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof UsageError || err instanceof CliInputError;
  process.stderr.write(`${isExpected ? (err as Error).message : (err as Error).stack ?? String(err)}\n`);
  process.exit(isExpected ? 2 : 1);
});
