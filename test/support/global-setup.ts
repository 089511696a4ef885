import pino from 'pino';
import { openDatabase } from '../../src/server/platform/db.js';

/** On PostgreSQL, apply migrations once before any test file opens its pool. */
export default async function setup() {
  if (!process.env.DATABASE_URL) return;
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
}
