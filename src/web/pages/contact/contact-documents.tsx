import { useContactDocuments } from '../../api/documents.api';
import { Icon } from '../../components/icons';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';
import { formatDate } from '../../lib/format';

/** The documents (from Google Drive) that name this contact: title (opens Drive), last change, the start of the text. */
export function ContactDocuments({ contactId }: { contactId: string }) {
  const documents = useContactDocuments(contactId);
  const items = documents.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="space-y-4">
      {documents.isPending && <Spinner label="Loading the documents" />}
      <ErrorNotice error={documents.error} title="The documents could not be loaded" onRetry={() => void documents.refetch()} />
      {documents.data && items.length === 0 && (
        <p className="text-sm text-muted">
          No documents yet. With Google Drive turned on (Settings), documents that name this client or their email appear here, once their
          document consent is recorded.
        </p>
      )}
      <ul aria-label="Documents" className="space-y-3">
        {items.map((d) => (
          <li key={d.id} className="card p-3">
            <div className="flex flex-wrap items-baseline gap-2">
              <Icon name="note" size={14} className="text-muted" />
              {d.webUrl ? (
                <a className="font-semibold underline" href={d.webUrl} target="_blank" rel="noreferrer noopener">
                  {d.title}
                </a>
              ) : (
                <span className="font-semibold">{d.title}</span>
              )}
              <span className="text-xs text-muted">Changed {formatDate(d.modifiedAt)}</span>
            </div>
            {d.snippet && <p className="mt-1 line-clamp-3 whitespace-pre-wrap break-words text-sm text-muted">{d.snippet}</p>}
          </li>
        ))}
      </ul>
      {documents.hasNextPage && (
        <button
          type="button"
          className="btn-secondary"
          disabled={documents.isFetchingNextPage}
          onClick={() => void documents.fetchNextPage()}
        >
          <Busy isBusy={documents.isFetchingNextPage} busyText="Loading…">
            Show more documents
          </Busy>
        </button>
      )}
    </div>
  );
}
