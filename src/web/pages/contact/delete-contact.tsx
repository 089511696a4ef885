import { useLocation } from 'wouter';
import { useDeleteContact, useDeletePreview } from '../../api/contacts.api';
import { useToast } from '../../app/toasts';
import { Busy, ErrorNotice, Modal, Spinner } from '../../components/ui';
import { describeCount } from '../../lib/format';

export function DeleteContact({ contactId, open, onClose }: { contactId: string; open: boolean; onClose: () => void }) {
  const preview = useDeletePreview(open ? contactId : undefined);
  const remove = useDeleteContact();
  const toast = useToast();
  const [, navigate] = useLocation();
  const goes = Object.entries(preview.data?.willDelete ?? {}).filter(([, n]) => n > 0);
  const unlinks = Object.entries(preview.data?.willUnlink ?? {}).filter(([, n]) => n > 0);
  return (
    <Modal open={open} onClose={onClose} title="Delete this contact?">
      {preview.isPending && <Spinner label="Counting what will be deleted" />}
      <ErrorNotice error={preview.error} title="Could not check what would be deleted" />
      {preview.data && (
        <div className="space-y-2 text-sm">
          <p>
            <strong className="break-words">{preview.data.contact.name}</strong> will be deleted for good
            {goes.length ? ', together with:' : '.'}
          </p>
          {goes.length > 0 && (
            <ul className="list-disc pl-5">
              {goes.map(([k, n]) => (
                <li key={k}>{describeCount(k, n)}</li>
              ))}
            </ul>
          )}
          {unlinks.length > 0 && (
            <p className="text-muted">Kept but unlinked: {unlinks.map(([k, n]) => describeCount(k, n)).join(', ')}.</p>
          )}
        </div>
      )}
      <ErrorNotice error={remove.error} title="The contact was not deleted" />
      <div className="mt-4 flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn-danger"
          disabled={!preview.data || remove.isPending}
          onClick={() =>
            remove.mutate(contactId, {
              onSuccess: () => {
                toast.success(`Deleted ${preview.data?.contact.name ?? 'the contact'}.`);
                navigate('/contacts');
              },
            })
          }
        >
          <Busy isBusy={remove.isPending} busyText="Deleting…">
            Delete for good
          </Busy>
        </button>
      </div>
    </Modal>
  );
}
