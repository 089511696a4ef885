import type { LifecycleStage } from '../../shared/domain';
import type { TagRef } from '../../shared/api/contacts';
import { STAGE_LABELS } from '../lib/labels';
import { initials } from '../lib/format';

export function Avatar({ name, photoUrl, size = 32 }: { name: string; photoUrl?: string | null; size?: number }) {
  const style = { width: size, height: size, fontSize: Math.round(size * 0.38) };
  if (photoUrl)
    return (
      <img src={photoUrl} alt="" width={size} height={size} loading="lazy" className="shrink-0 rounded-full object-cover" style={style} />
    );
  return (
    <span
      aria-hidden="true"
      className="inline-flex shrink-0 items-center justify-center rounded-full bg-brand-soft font-semibold text-brand-ink"
      style={style}
    >
      {initials(name)}
    </span>
  );
}

/** Tag colours are user-chosen, so the chip uses the colour for a dot and a tint, never for the text. */
export function TagChip({ tag, onRemove }: { tag: TagRef; onRemove?: () => void }) {
  return (
    <span className="chip border-line bg-raised text-ink" style={{ borderColor: `${tag.color}66` }}>
      <span aria-hidden="true" className="inline-block size-2 shrink-0 rounded-full" style={{ background: tag.color }} />
      <span className="truncate">{tag.name}</span>
      {onRemove && (
        <button
          type="button"
          onClick={onRemove}
          className="-mr-1 rounded-full px-1 leading-none hover:bg-line"
          aria-label={`Remove tag ${tag.name}`}
        >
          ×
        </button>
      )}
    </span>
  );
}

const STAGE_TONE: Record<LifecycleStage, string> = {
  discovery: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  curious: 'bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-200',
  new_client: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  core_client: 'bg-teal-100 text-teal-900 dark:bg-teal-950 dark:text-teal-200',
  ambassador: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  needs_reconnecting: 'bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-200',
  inactive: 'bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200',
  collaborator: 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200',
};

export function StageBadge({ stage }: { stage: LifecycleStage }) {
  return <span className={`chip border-transparent ${STAGE_TONE[stage]}`}>{STAGE_LABELS[stage]}</span>;
}

export const STAGE_COLORS: Record<LifecycleStage, string> = {
  discovery: '#0ea5e9',
  curious: '#8b5cf6',
  new_client: '#10b981',
  core_client: '#0d9488',
  ambassador: '#f59e0b',
  needs_reconnecting: '#f97316',
  inactive: '#64748b',
  collaborator: '#f43f5e',
};
