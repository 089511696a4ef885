import { AppError, notFound } from './errors.js';

/** Thrown inside a write's transaction when the locked row is not at the version the write was made from. */
export class StaleVersion extends Error {
  constructor() {
    super('stale version');
  }
}

/**
 * The 409 of a stale write: nothing was saved; the body carries the record as it is now, so the
 * person can compare and save again from the current version. No client data in the message.
 */
export function staleWrite(what: string, expected: number, currentJson: string | Buffer): AppError {
  const current = JSON.parse(String(currentJson)) as { version: number };
  return new AppError(
    'conflict',
    `This ${what} was changed elsewhere since you opened it (you edited version ${expected}, it is now version ${current.version}). ` +
      `Nothing was saved. Compare with the current ${what} in this answer, then save again with version ${current.version} to keep your changes.`,
    { current, currentVersion: current.version, yourVersion: expected },
  );
}

/**
 * Runs an update that may be made from a known version (`expected`). The write answers undefined
 * (or throws StaleVersion) when it changed nothing: then the record is read as it is now; if it is
 * the caller's, the answer is a 409 carrying it, otherwise a 404 (never a 409 for someone else's
 * record, which would tell that it exists).
 */
export async function versionedWrite<T>(
  what: string,
  expected: number | undefined,
  write: () => Promise<T | undefined>,
  readCurrent: () => Promise<string | Buffer | undefined>,
): Promise<T> {
  let result: T | undefined;
  try {
    result = await write();
  } catch (error) {
    if (!(error instanceof StaleVersion)) throw error;
  }
  if (result !== undefined) return result;
  const current = expected === undefined ? undefined : await readCurrent();
  if (current && expected !== undefined) throw staleWrite(what, expected, current);
  throw notFound(what.charAt(0).toUpperCase() + what.slice(1));
}
