import { useEffect, useRef, useState } from 'react';
import { useActivatePhoto, useDeletePhoto, usePhotos, useRestore, useUploadPhoto } from '../../api/practice.api';
import type { ContactDetail } from '../../../shared/api/contacts';
import { useToast } from '../../app/toasts';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';

const TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/heif'];
const MAX_BYTES = 10 * 1024 * 1024;

export function ContactPhotos({ contact }: { contact: ContactDetail }) {
  const photos = usePhotos(contact.id);
  const upload = useUploadPhoto(contact.id);
  const activate = useActivatePhoto(contact.id);
  const remove = useDeletePhoto(contact.id);
  const restore = useRestore();
  const toast = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // A new upload replaces the current picture only when asked; with no picture yet it becomes one.
  const [makeCurrent, setMakeCurrent] = useState(!contact.photoUrl);

  useEffect(() => {
    if (!file) return setPreview(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const choose = (f: File | undefined) => {
    setProblem(null);
    upload.reset();
    if (!f) return setFile(null);
    if (f.type && !TYPES.includes(f.type))
      return setProblem(`“${f.name}” is not a photo MindfulCRM can use. Choose a JPEG, PNG, WebP, GIF or HEIC image.`);
    if (f.size > MAX_BYTES) return setProblem(`“${f.name}” is ${(f.size / 1048576).toFixed(1)} MB. Choose an image under 10 MB.`);
    setFile(f);
  };
  const send = () =>
    file &&
    upload.mutate(
      { file, activate: makeCurrent },
      {
        onSuccess: (photo) => {
          toast.success(photo.isActive ? 'Photo uploaded and set as the contact’s picture.' : 'Photo uploaded.');
          setFile(null);
          // The contact has a picture now: the next upload replaces it only if asked again.
          setMakeCurrent(false);
          if (input.current) input.current.value = '';
        },
      },
    );

  return (
    <div className="space-y-4">
      <section aria-labelledby="upload-title" className="card space-y-3 p-4">
        <h2 id="upload-title" className="font-semibold">
          Upload a photo
        </h2>
        {!contact.hasPhotoConsent ? (
          <p role="note" className="rounded-lg border border-line bg-raised p-3 text-sm" data-testid="photo-consent-needed">
            Photos can be uploaded once this contact has given photo consent (an expired consent does not count). Tick “Photos of this
            person may be stored” in the overview when they agree, or record how they agreed in the Consent tab.
          </p>
        ) : (
          <>
            <input
              ref={input}
              type="file"
              accept={TYPES.join(',')}
              aria-label="Choose a photo"
              className="block text-sm file:mr-3 file:rounded-lg file:border file:border-line file:bg-surface file:px-3 file:py-1.5 file:text-ink"
              onChange={(e) => choose(e.target.files?.[0])}
            />
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4 accent-teal-700"
                checked={makeCurrent}
                onChange={(e) => setMakeCurrent(e.target.checked)}
              />
              Make it the profile picture
            </label>
          </>
        )}
        {problem && (
          <p role="alert" className="text-sm font-medium text-danger">
            {problem}
          </p>
        )}
        {preview && (
          <div className="flex flex-wrap items-center gap-4">
            <img src={preview} alt="Preview of the chosen photo" className="size-32 rounded-xl object-cover" />
            <div className="space-y-2 text-sm">
              <p className="text-muted">It will be cropped to a square around the most interesting part.</p>
              <button type="button" className="btn-primary" disabled={upload.isPending} onClick={send}>
                <Busy isBusy={upload.isPending} busyText="Uploading…">
                  Upload photo
                </Busy>
              </button>
            </div>
          </div>
        )}
        <ErrorNotice error={upload.error} title="The photo was not uploaded" />
      </section>
      {photos.isPending && <Spinner label="Loading photos" />}
      <ErrorNotice error={photos.error} title="Photos could not be loaded" onRetry={() => void photos.refetch()} />
      {photos.data?.items.length === 0 && <p className="text-sm text-muted">No photos yet.</p>}
      <ul aria-label="Photos" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
        {photos.data?.items.map((p, i) => (
          <li key={p.id} className={`card overflow-hidden ${p.isActive ? 'ring-2 ring-brand' : ''}`}>
            <img src={p.url} alt={`Photo ${i + 1} of ${contact.name}`} className="aspect-square w-full object-cover" loading="lazy" />
            <div className="flex flex-wrap items-center gap-1 p-2">
              {p.isActive ? (
                <span className="chip border-brand bg-brand-soft text-ink">Current picture</span>
              ) : (
                <button
                  type="button"
                  className="btn-secondary py-1 text-xs"
                  disabled={activate.isPending}
                  onClick={() =>
                    activate.mutate(p.id, { onSuccess: () => toast.success('Picture changed.'), onError: (e) => toast.error(e) })
                  }
                >
                  Use this photo
                </button>
              )}
              <button
                type="button"
                className="btn-ghost ml-auto py-1 text-xs"
                onClick={() =>
                  remove.mutate(p.id, {
                    onSuccess: () =>
                      toast.undoable(`Removed photo ${i + 1} of ${contact.name}.`, () => restore('photos', p.id), 'Photo restored.'),
                    onError: (e) => toast.error(e),
                  })
                }
              >
                Remove
              </button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
