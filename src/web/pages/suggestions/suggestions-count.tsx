import { usePendingSuggestions } from '../../api/suggestions.api';

/** The navigation's count of pending suggestions (nothing when there are none). */
export function SuggestionsCount() {
  const pending = usePendingSuggestions().data;
  if (!pending) return null;
  return (
    <span className="ml-auto rounded-full bg-brand px-2 text-xs font-semibold text-white" aria-label={`${pending} pending`}>
      {pending > 99 ? '99+' : pending}
    </span>
  );
}
