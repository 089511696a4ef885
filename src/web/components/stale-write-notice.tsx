import type { FieldChange } from '../api/stale-write';
import { Busy } from './ui';

/**
 * Shown when a save was refused because the record changed elsewhere (another tab, another
 * device, a sync): field by field, what it holds now ("theirs") and what this form holds
 * ("yours"). Keep mine saves the form over the new version; Take theirs loads the new version into
 * the form. Nothing typed is lost until the person chooses.
 */
export function StaleWriteNotice({
  what,
  changes,
  isSaving,
  onKeepMine,
  onTakeTheirs,
}: {
  what: string;
  changes: FieldChange[];
  isSaving: boolean;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  return (
    <section
      role="alert"
      aria-labelledby="stale-write-title"
      className="space-y-3 rounded-lg border border-danger/40 bg-danger-soft p-3 text-sm text-ink"
    >
      <h3 id="stale-write-title" className="font-semibold">
        This {what} was changed elsewhere while you were editing. Nothing was saved yet.
      </h3>
      <table className="w-full table-fixed text-left" aria-label="What changed">
        <thead>
          <tr>
            <th className="w-1/5 py-1 pr-2">Field</th>
            <th className="py-1 pr-2">Theirs (saved now)</th>
            <th className="py-1">Yours (not saved)</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.field} data-field={c.field} className="align-top">
              <th scope="row" className="py-1 pr-2 font-medium">
                {c.label}
              </th>
              <td className="break-words py-1 pr-2">{c.theirs}</td>
              <td className="break-words py-1">{c.yours}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex flex-wrap gap-2">
        <button type="button" className="btn-primary py-1" onClick={onKeepMine} disabled={isSaving}>
          <Busy isBusy={isSaving} busyText="Saving…">
            Keep mine
          </Busy>
        </button>
        <button type="button" className="btn-secondary py-1" onClick={onTakeTheirs} disabled={isSaving}>
          Take theirs
        </button>
      </div>
    </section>
  );
}
