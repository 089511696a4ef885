import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { ConfigError, type Config, type Secrets } from '../config.js';

/**
 * Secrets come from config when set. Otherwise they are generated once and kept in the data
 * folder (secrets.json, mode 0600) so sessions and encrypted tokens survive restarts. A stored
 * value is never replaced: an ENCRYPTION_KEY that differs from the stored one would make every
 * stored OAuth token unreadable, so start stops and says so.
 */
export function resolveSecrets(config: Config, log: { warn(obj: object, msg: string): void }): Secrets {
  if (config.databaseUrl && config.sessionSecret && config.encryptionKey) {
    return { sessionSecret: config.sessionSecret, encryptionKey: config.encryptionKey };
  }
  const file = path.join(config.dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  if (fs.existsSync(file)) {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Secrets>;
    fs.chmodSync(file, 0o600);
  }
  if (config.encryptionKey && stored.encryptionKey && config.encryptionKey.toLowerCase() !== stored.encryptionKey.toLowerCase()) {
    throw new ConfigError(
      `ENCRYPTION_KEY from the environment differs from the key stored in ${file}. Stored tokens were encrypted ` +
        'with the stored key: unset ENCRYPTION_KEY to keep using it, or set it to the stored value.',
    );
  }
  if (config.sessionSecret && stored.sessionSecret && config.sessionSecret !== stored.sessionSecret) {
    log.warn({ file }, 'SESSION_SECRET from the environment differs from the stored one; using the environment value');
  }
  const secrets: Secrets = {
    sessionSecret: config.sessionSecret ?? stored.sessionSecret ?? crypto.randomBytes(32).toString('base64url'),
    encryptionKey: config.encryptionKey ?? stored.encryptionKey ?? crypto.randomBytes(32).toString('hex'),
  };
  // Only what is missing is written; what was stored stays as it was.
  const merged = {
    sessionSecret: stored.sessionSecret ?? secrets.sessionSecret,
    encryptionKey: stored.encryptionKey ?? secrets.encryptionKey,
  };
  if (merged.sessionSecret !== stored.sessionSecret || merged.encryptionKey !== stored.encryptionKey) {
    fs.writeFileSync(file, JSON.stringify(merged), { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  }
  return secrets;
}
