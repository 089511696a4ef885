import type { drive_v3 } from '@googleapis/drive';
import type { Db } from '../../platform/db.js';
import { LIMITS } from '../../platform/limits.js';
import type { Actor } from '../../platform/http/types.js';
import { OutboundError } from '../../platform/outbound/outbound-error.js';
import { allowedContactIds } from '../consent/consent.repo.js';
import { foldText } from '../contacts/search-text.js';
import { createLinker } from '../documents/document-links.js';
import type { DocumentsService } from '../documents/documents.service.js';
import type { DocumentWrite } from '../documents/documents.repo.js';
import type { GoogleRepo } from './google.repo.js';
import type { GoogleClients } from './google-clients.js';
import type { GoogleService } from './google.service.js';
import { classifyGoogleError } from './google-errors.js';
import { downloadText, isSupported, SUPPORTED_QUERY, UnreadableFile } from './drive-extract.js';
import { createSyncControls } from './sync-controls.js';

type Deps = {
  repo: GoogleRepo;
  db: Db;
  google: GoogleService;
  clients: GoogleClients;
  documents: DocumentsService;
  clock: () => Date;
  enqueue?: (userId: string, startAfterSeconds?: number) => Promise<string | null>;
};

type Stats = { files: number; read: number; stored: number; removed: number; unchanged: number; skipped: number; pages: number };
type Linker = ReturnType<typeof createLinker>;

const FILE_FIELDS = 'id, name, mimeType, modifiedTime, webViewLink, size, md5Checksum, version, trashed';

/** What identifies a file's content: its checksum (binary files), else its version (Google Docs). */
const contentHash = (f: drive_v3.Schema$File) => f.md5Checksum ?? (f.version ? `v${f.version}` : (f.modifiedTime ?? ''));

/**
 * Drive sync for one user: a first run lists the supported files (paged, at most LIMITS.drive.maxFiles)
 * after taking the changes feed's start token; later runs read only `changes.list` from the kept
 * token. An expired token (410, or 404) runs the listing again: unchanged files are not read again,
 * files no longer listed are removed. A file's text is extracted and capped, matched against the
 * user's contacts, and kept only with links to contacts whose document_ingestion consent allows it
 * (asked once per page); a file that names none is not kept (or is removed).
 */
export function createDriveSync({ repo, db, google, clients, documents, clock, enqueue }: Deps) {
  const controls = createSyncControls({ repo, google, clock, service: 'drive', provider: 'google_drive', label: 'Drive', enqueue });

  /** One page of files and removals: read what changed, link, write in one batch. */
  async function writePage(
    userId: string,
    api: drive_v3.Drive,
    link: Linker,
    files: drive_v3.Schema$File[],
    removed: string[],
    stats: Stats,
    keepOnly?: string[],
  ) {
    stats.pages += 1;
    stats.files += files.length;
    const stored = await documents.stored(userId, [...files.map((f) => f.id!), ...removed]);
    const read: { file: drive_v3.Schema$File; text: string; candidates: string[] }[] = [];
    for (const file of files) {
      const before = stored.get(file.id!);
      if (before && before.contentHash === contentHash(file) && before.name === file.name) {
        stats.unchanged += 1;
        continue;
      }
      if (Number(file.size ?? 0) > LIMITS.drive.fileBytes) {
        stats.skipped += 1;
        continue;
      }
      let text: string;
      try {
        text = await downloadText(api, { id: file.id!, mimeType: file.mimeType! });
      } catch (err) {
        // Too large once read, unreadable, or deleted since it was listed: this file is skipped.
        const tooLarge = err instanceof OutboundError && err.kind === 'too_large';
        if (!(err instanceof UnreadableFile) && !tooLarge && classifyGoogleError(err).kind !== 'not_found') throw err;
        stats.skipped += 1;
        continue;
      }
      stats.read += 1;
      read.push({ file, text, candidates: link(`${file.name ?? ''}\n${text}`) });
    }
    const allowed = await allowedContactIds(db, userId, 'document_ingestion', [...new Set(read.flatMap((r) => r.candidates))]);
    const upserts: DocumentWrite[] = [];
    const removals = removed.filter((id) => stored.has(id));
    for (const { file, text, candidates } of read) {
      const contactIds = candidates.filter((id) => allowed.has(id));
      if (!contactIds.length) {
        // Names no consenting contact: not kept, and a kept version goes.
        if (stored.has(file.id!)) removals.push(file.id!);
        else stats.skipped += 1;
        continue;
      }
      const name = (file.name ?? '').slice(0, LIMITS.text.short);
      upserts.push({
        externalId: file.id!,
        name,
        mimeType: file.mimeType!,
        webUrl: file.webViewLink ?? null,
        text,
        searchText: foldText(`${name} ${text}`),
        contentHash: contentHash(file),
        modifiedAt: file.modifiedTime ? new Date(file.modifiedTime) : clock(),
        contactIds,
      });
    }
    if (!upserts.length && !removals.length && !keepOnly) return;
    stats.stored += upserts.length;
    stats.removed += removals.length;
    const { unseen } = await documents.applyBatch(userId, { upserts, removals, ...(keepOnly ? { keepOnly } : {}) });
    stats.removed += unseen;
  }

  /** The full listing: the changes token first (what changes meanwhile shows next run), then every page. */
  async function fullSync(userId: string, api: drive_v3.Drive, link: Linker, stats: Stats, progress: () => Promise<void>) {
    const token = (await api.changes.getStartPageToken({ supportsAllDrives: true })).data.startPageToken ?? null;
    const seen: string[] = [];
    let pageToken: string | undefined;
    let complete = true;
    do {
      const res = await api.files.list({
        q: SUPPORTED_QUERY,
        pageSize: LIMITS.drive.pageSize,
        fields: `nextPageToken, files(${FILE_FIELDS})`,
        spaces: 'drive',
        ...(pageToken ? { pageToken } : {}),
      });
      const files = (res.data.files ?? []).filter((f) => f.id && isSupported(f.mimeType) && !f.trashed);
      seen.push(...files.map((f) => f.id!));
      pageToken = res.data.nextPageToken ?? undefined;
      if (pageToken && seen.length >= LIMITS.drive.maxFiles) {
        complete = false;
        pageToken = undefined;
      }
      // The last page of a complete listing also removes the documents of files no longer there.
      await writePage(userId, api, link, files, [], stats, !pageToken && complete ? seen : undefined);
      await progress();
    } while (pageToken);
    return token;
  }

  async function incremental(
    userId: string,
    api: drive_v3.Drive,
    link: Linker,
    start: string,
    stats: Stats,
    progress: () => Promise<void>,
  ) {
    let pageToken: string | undefined = start;
    let next: string | null = start;
    while (pageToken) {
      const res: { data: drive_v3.Schema$ChangeList } = await api.changes.list({
        pageToken,
        pageSize: LIMITS.drive.pageSize,
        includeRemoved: true,
        spaces: 'drive',
        fields: `nextPageToken, newStartPageToken, changes(fileId, removed, file(${FILE_FIELDS}))`,
      });
      // The last change of each file in the page wins (a file is written once per statement).
      const changes = [...new Map((res.data.changes ?? []).map((c) => [c.fileId ?? c.file?.id, c])).values()];
      const gone = (c: drive_v3.Schema$Change) => c.removed || !c.file || c.file.trashed || !isSupported(c.file.mimeType);
      const removed = changes.filter(gone).flatMap((c) => (c.fileId ? [c.fileId] : []));
      const files = changes.filter((c) => !gone(c)).map((c) => ({ ...c.file!, id: c.file!.id ?? c.fileId }));
      if (files.length || removed.length) await writePage(userId, api, link, files, removed, stats);
      await progress();
      pageToken = res.data.nextPageToken ?? undefined;
      next = res.data.newStartPageToken ?? next;
    }
    return next;
  }

  function run(userId: string, jobId?: string, log?: { warn(obj: object, msg: string): void }): Promise<Stats | undefined> {
    const stats: Stats = { files: 0, read: 0, stored: 0, removed: 0, unchanged: 0, skipped: 0, pages: 0 };
    return controls.run(
      userId,
      stats,
      async ({ cursor, progress }) => {
        const { client } = await google.authorized(userId);
        const api = await clients.drive(client);
        const link = createLinker(await documents.directory(userId));
        if (cursor) {
          try {
            return { cursor: await incremental(userId, api, link, cursor, stats, progress), items: stats.files };
          } catch (err) {
            // An expired or unknown changes token: the bounded listing again, without duplicates.
            const kind = classifyGoogleError(err).kind;
            if (kind !== 'cursor_invalid' && kind !== 'not_found') throw err;
          }
        }
        return { cursor: await fullSync(userId, api, link, stats, progress), items: stats.files };
      },
      jobId,
      log,
    );
  }

  return {
    run,
    status: controls.status,
    scheduleAll: controls.scheduleAll,
    job: controls.job,
    /** "Sync now": queues the job (one waiting per user at most) and answers its id. */
    start: (actor: Actor) => controls.start(actor, run),
  };
}
