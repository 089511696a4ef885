import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** drizzle/ at the repository root, from src/server/platform or dist/server/platform alike. */
export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../drizzle');
