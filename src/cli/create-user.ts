import type { Config } from '../server/config.js';
import { openRuntime } from '../server/runtime.js';
import { signupBody } from '../shared/api/auth.js';
import { createUsersRepo } from '../server/modules/auth/users.repo.js';
import { hashPassword } from '../server/platform/crypto.js';

import { PasswordInputError, readPassword } from './read-password.js';

export class CliInputError extends Error {}

type Args = { email?: string; password?: string; 'password-file'?: string; 'password-env'?: string; name?: string };
const FLAG: Record<string, string> = { displayName: '--name', email: '--email', password: 'password' };

export async function createUser(config: Config, args: Args) {
  let password: string;
  try {
    password = await readPassword({ password: args.password, passwordFile: args['password-file'], passwordEnv: args['password-env'] });
  } catch (err) {
    if (err instanceof PasswordInputError) throw new CliInputError(err.message);
    throw err;
  }
  const parsed = signupBody.safeParse({ email: args.email ?? '', password, displayName: args.name ?? '' });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${FLAG[i.path.join('.')] ?? i.path.join('.')}: ${i.message}`);
    throw new CliInputError(`Cannot create the user:\n  ${problems.join('\n  ')}`);
  }
  const runtime = await openRuntime(config);
  try {
    // A new account has no cached reads to drop, and inserting one writes no audit entry.
    const user = await createUsersRepo(runtime.database.db, async () => {}).insert({
      email: parsed.data.email,
      passwordHash: await hashPassword(parsed.data.password),
      displayName: parsed.data.displayName || parsed.data.email.split('@')[0]!,
    });
    if (!user) throw new CliInputError(`An account with the email ${parsed.data.email} already exists.`);
    process.stdout.write(`Created user ${user.email} (${user.id}).\n`);
  } finally {
    await runtime.close();
  }
}
