import { useEffect, useState, type ReactNode } from 'react';

/**
 * A box that saves on change and ticks at once: the saved value arrives a render or a request later
 * (a slow phone or network showed a box that did not react to the tap), and takes over when it does;
 * a refused save puts the box back.
 */
export function SavedCheckbox({
  checked,
  save,
  children,
}: {
  checked: boolean;
  save: (next: boolean, undo: () => void) => void;
  children: ReactNode;
}) {
  const [shown, setShown] = useState(checked);
  useEffect(() => setShown(checked), [checked]);
  return (
    <label className="flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        className="size-4 accent-teal-700"
        checked={shown}
        onChange={(e) => {
          const next = e.target.checked;
          setShown(next);
          save(next, () => setShown(!next));
        }}
      />
      {children}
    </label>
  );
}
