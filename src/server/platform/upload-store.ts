import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Where an uploaded file waits for the job that reads it (an import). On the embedded database the
 * bytes go to a file beside it: a bytea parameter is encoded in JavaScript by PGlite (an 8 MB file
 * passed the 256 MB heap) and grows its WebAssembly memory for good. On PostgreSQL (several
 * processes, any of which may run the job) they stay in the row, as node-postgres sends them in
 * binary.
 */
export type UploadStore = {
  put(id: string, bytes: Buffer): Promise<void>;
  /** The file, or undefined when it is gone (a folder cleaned by hand). */
  get(id: string): Promise<Buffer | undefined>;
  remove(id: string): Promise<void>;
};

export function createDiskUploadStore(dir: string): UploadStore {
  const file = (id: string) => path.join(dir, `${id.replace(/[^0-9a-f-]/gi, '')}.upload`);
  return {
    async put(id, bytes) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await fs.writeFile(file(id), bytes, { mode: 0o600 });
    },
    async get(id) {
      try {
        return await fs.readFile(file(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async remove(id) {
      await fs.rm(file(id), { force: true });
    },
  };
}

/** The embedded database's store: `uploads/` in its data folder, or a folder of this process for an in-memory one. */
export function embeddedUploadStore(dataDir: string | undefined): UploadStore {
  return createDiskUploadStore(dataDir ? path.join(dataDir, 'uploads') : path.join(os.tmpdir(), `mindfulcrm-uploads-${process.pid}`));
}
