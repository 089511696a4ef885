import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Config, Secrets } from '../config.js';

/**
 * Secrets come from config when set. In embedded mode they are generated once and kept in the data
 * folder (mode 0600) so sessions and encrypted tokens survive restarts.
 */
export function resolveSecrets(config: Config): Secrets {
  if (config.sessionSecret && config.encryptionKey) {
    return { sessionSecret: config.sessionSecret, encryptionKey: config.encryptionKey };
  }
  const file = path.join(config.dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Secrets>;
  const secrets: Secrets = {
    sessionSecret: config.sessionSecret ?? stored.sessionSecret ?? crypto.randomBytes(32).toString('base64url'),
    encryptionKey: config.encryptionKey ?? stored.encryptionKey ?? crypto.randomBytes(32).toString('hex'),
  };
  if (secrets.sessionSecret !== stored.sessionSecret || secrets.encryptionKey !== stored.encryptionKey) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}
