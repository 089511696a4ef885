import { sql } from 'drizzle-orm';
import { customType, integer, timestamp, uuid } from 'drizzle-orm/pg-core';

// Millisecond precision keeps timestamps round-trippable through JavaScript Dates and ISO
// strings, which keyset cursors rely on.
export const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);

export const createdAt = () => ts('created_at').notNull().default(sql`now()`);
export const updatedAt = () => ts('updated_at').notNull().default(sql`now()`);

/** Bytes (photos, uploaded files): node-postgres answers a Buffer, PGlite a Uint8Array. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/** The record's version for stale-write checks: 1 on insert, +1 in the statement of every update. */
export const version = () => integer('version').notNull().default(1);
