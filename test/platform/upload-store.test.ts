import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiskUploadStore } from '../../src/server/platform/upload-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the disk upload store (embedded database)', () => {
  it('keeps a file private to the server until it is removed', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'uploads-test-')), 'uploads');
    dirs.push(path.dirname(dir));
    const store = createDiskUploadStore(dir);
    const id = crypto.randomUUID();
    const bytes = crypto.randomBytes(3 * 1024 * 1024);
    await store.put(id, bytes);
    expect((await store.get(id))?.equals(bytes)).toBe(true);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, `${id}.upload`)).mode & 0o777).toBe(0o600);
    await store.remove(id);
    expect(await store.get(id)).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
    // Removing twice, or a file never stored, is not an error; an id cannot name a path outside.
    await store.remove(id);
    await store.put('../../escape', Buffer.from('x'));
    expect(fs.readdirSync(dir)).toEqual(['ecae.upload']);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['uploads']);
  });
});
