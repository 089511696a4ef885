import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { TestClient } from './client.js';

type ZipSource = { buffer: Buffer } | { path: string };

function open(source: ZipSource): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: yauzl.ZipFile) => (err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip));
    if ('buffer' in source) yauzl.fromBuffer(source.buffer, { lazyEntries: true }, done);
    else yauzl.open(source.path, { lazyEntries: true }, done);
  });
}

/**
 * Reads every entry of a ZIP (checking each entry's CRC, as yauzl does) and hands each one's
 * content stream to `onEntry`, one entry at a time.
 */
export async function walkZip(source: ZipSource, onEntry: (name: string, content: Readable) => Promise<void>): Promise<void> {
  const zip = await open(source);
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('no stream'));
        onEntry(entry.fileName, stream).then(() => zip.readEntry(), reject);
      });
    });
    zip.readEntry();
  });
}

/** Every entry of a small archive, by name. */
export async function readZip(buffer: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  await walkZip({ buffer }, async (name, content) => {
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    files.set(name, Buffer.concat(chunks));
  });
  return files;
}

/** The JSON Lines file's records. */
export const jsonl = (file: Buffer | undefined): Record<string, unknown>[] =>
  (file?.toString('utf8') ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** A GET through the client's session whose answer is kept as bytes (TestClient decodes text). */
export async function getBytes(client: TestClient, url: string) {
  const res = await client.app.inject({
    method: 'GET',
    url,
    remoteAddress: client.remoteAddress,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, json: () => JSON.parse(res.body) };
}
