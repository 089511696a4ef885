import { defineConfig } from 'drizzle-kit';

// Timestamp prefixes: migrations written on parallel branches never take the same number (a
// numbered prefix comes from the journal's length, and two branches would write the same file).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/db/schema/index.ts',
  out: './drizzle',
  migrations: { prefix: 'timestamp' },
});
