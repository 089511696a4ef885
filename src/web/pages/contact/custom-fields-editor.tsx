export type CustomValue = string | number | boolean | null;
export type CustomRow = { key: string; value: string; original?: CustomValue };

export const customRowsOf = (fields: Record<string, unknown>): CustomRow[] =>
  Object.entries(fields).map(([key, v]) => ({ key, value: v === null || v === undefined ? '' : String(v), original: v as CustomValue }));

/** A value keeps its kind (a number stays a number) while its text still reads as that kind. */
function valueOf(row: CustomRow): CustomValue {
  const text = row.value.trim();
  if (typeof row.original === 'number' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (typeof row.original === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return row.value;
}

/** Problems per row, in words; the form saves nothing while there is one. */
export function customFieldProblems(rows: CustomRow[]): Record<number, string> {
  const problems: Record<number, string> = {};
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const key = r.key.trim();
    if (!key && r.value.trim()) problems[i] = 'Give this field a name (for example “Favourite class”), or remove it.';
    else if (key.length > 100) problems[i] = 'A field name can be at most 100 characters.';
    else if (r.value.length > 2000) problems[i] = 'A field can hold at most 2,000 characters.';
    else if (key && seen.has(key.toLowerCase())) problems[i] = `There is already a field named “${key}”.`;
    seen.add(key.toLowerCase());
  });
  return problems;
}

export const customFieldsBody = (rows: CustomRow[]) =>
  Object.fromEntries(rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), valueOf(r)]));

/** The contact's own fields ("Injuries", "Preferred mat", "Referred by"), a name and a value each. */
export function CustomFieldsEditor({
  rows,
  onChange,
  problems,
}: {
  rows: CustomRow[];
  onChange: (rows: CustomRow[]) => void;
  problems: Record<number, string>;
}) {
  const set = (i: number, patch: Partial<CustomRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend className="label">Custom fields</legend>
      {rows.length === 0 && <p className="text-sm text-muted">None yet: add what you track for this client.</p>}
      <ul className="space-y-2">
        {rows.map((r, i) => (
          <li key={i} className="flex flex-wrap gap-2">
            <input
              className="input min-w-0 flex-[1_1_8rem]"
              aria-label={`Name of field ${i + 1}`}
              placeholder="e.g. Injuries"
              maxLength={100}
              value={r.key}
              onChange={(e) => set(i, { key: e.target.value })}
            />
            <input
              className="input min-w-0 flex-[2_1_12rem]"
              aria-label={r.key.trim() ? `Value of ${r.key.trim()}` : `Value of field ${i + 1}`}
              aria-invalid={problems[i] ? true : undefined}
              aria-describedby={problems[i] ? `custom-error-${i}` : undefined}
              value={r.value}
              onChange={(e) => set(i, { value: e.target.value })}
            />
            <button
              type="button"
              className="btn-ghost"
              aria-label={`Remove field ${r.key.trim() || i + 1}`}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              Remove
            </button>
            {problems[i] && (
              <p id={`custom-error-${i}`} role="alert" className="w-full text-sm font-medium text-danger">
                {problems[i]}
              </p>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="btn-secondary mt-2 py-1" onClick={() => onChange([...rows, { key: '', value: '' }])}>
        Add a field
      </button>
    </fieldset>
  );
}
