import type { Config } from '../server/config.js';
import { openRuntime } from '../server/runtime.js';
import { signupBody } from '../shared/api/auth.js';
import { createUsersRepo } from '../server/modules/auth/users.repo.js';
import { hashPassword } from '../server/platform/crypto.js';

export class CliInputError extends Error {}

export async function createUser(config: Config, args: { email?: string; password?: string; name?: string }) {
  const parsed = signupBody.safeParse({ email: args.email ?? '', password: args.password ?? '', displayName: args.name ?? '' });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.') === 'displayName' ? 'name' : i.path.join('.')}: ${i.message}`);
    throw new CliInputError(`Cannot create the user:\n  ${problems.join('\n  ')}`);
  }
  const runtime = await openRuntime(config);
  try {
    const user = await createUsersRepo(runtime.database.db).insert({
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
