import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export type DataDirLock = { release(): Promise<void> };

export class DataDirLockedError extends Error {}

/**
 * The lock is a listening socket whose name is derived from the folder's identity (device and
 * inode, so every path to the same folder agrees). The kernel holds it: it is taken atomically
 * (two processes starting together cannot both get it), it cannot go stale, and it is released
 * when the process ends, however it ends (kill -9 included). No file holds a PID that a new,
 * unrelated process could later own. On Linux the socket lives in the abstract namespace (no
 * file at all); on Windows it is a named pipe; elsewhere a socket file in the folder, which a
 * later start removes when nothing answers on it.
 */
function socketPath(dataDir: string): { address: string; file?: string } {
  const stat = fs.statSync(dataDir);
  const id = crypto.hash('sha256', `${stat.dev}:${stat.ino}`, 'hex').slice(0, 32);
  if (process.platform === 'linux') return { address: `\0mindfulcrm-data-${id}` };
  if (process.platform === 'win32') return { address: `\\\\.\\pipe\\mindfulcrm-data-${id}` };
  const file = path.join(dataDir, '.mindfulcrm.lock.sock');
  return { address: file, file };
}

function listen(server: net.Server, address: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException) => resolve(err);
    server.once('error', onError);
    server.listen(address, () => {
      server.off('error', onError);
      resolve(undefined);
    });
  });
}

const answers = (address: string) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Takes the lock on an existing folder, or throws DataDirLockedError naming what to do. */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const { address, file } = socketPath(dataDir);
  const server = net.createServer((socket) => socket.destroy());
  let err = await listen(server, address);
  if (err?.code === 'EADDRINUSE' && file && !(await answers(address))) {
    fs.rmSync(file, { force: true });
    err = await listen(server, address);
  }
  if (err?.code === 'EADDRINUSE') {
    throw new DataDirLockedError(
      `The data folder ${dataDir} is already in use by another MindfulCRM process. ` +
        'Stop that process, or set DATA_DIR to another folder, or set DATABASE_URL to use PostgreSQL.',
    );
  }
  if (err) throw err;
  // Held for the life of the process without keeping it alive.
  server.unref();
  // The PID file of earlier versions means nothing now.
  fs.rmSync(path.join(dataDir, 'mindfulcrm.lock'), { force: true });
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates the folder as 0700, or tightens an existing one: the database files hold client data. */
export function prepareDataDir(dataDir: string, log: { info(obj: object, msg: string): void }) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const mode = fs.statSync(dataDir).mode & 0o777;
  if (mode & 0o077) {
    fs.chmodSync(dataDir, 0o700);
    log.info({ dataDir, was: mode.toString(8) }, 'tightened the data folder to mode 0700 (owner only)');
  }
}
