import type { LifecycleStage } from '../../../shared/domain';
import { STAGE_LABELS } from '../../lib/labels';
import { STAGE_COLORS } from '../../components/contact-bits';

/**
 * Hand-drawn SVG charts: a few hundred bytes instead of a chart library. Each one has a text
 * alternative (a visually hidden table) for screen readers.
 */
export function WeeklyBars({ weeks }: { weeks: { weekStart: string; count: number }[] }) {
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const W = 600;
  const H = 180;
  const gap = 6;
  const bar = weeks.length ? (W - gap * (weeks.length - 1)) / weeks.length : 0;
  const fmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
  return (
    <figure>
      <svg
        viewBox={`0 0 ${W} ${H + 24}`}
        className="h-auto w-full"
        role="img"
        aria-label={`Interactions per week for the last ${weeks.length} weeks`}
      >
        <line x1="0" x2={W} y1={H} y2={H} className="stroke-line" strokeWidth="1" />
        {weeks.map((w, i) => {
          const h = Math.round((w.count / max) * (H - 16));
          const x = i * (bar + gap);
          return (
            <g key={w.weekStart}>
              <rect x={x} y={H - h} width={bar} height={Math.max(h, w.count ? 2 : 0)} rx="4" className="fill-brand dark:fill-teal-400" />
              {w.count > 0 && (
                <text x={x + bar / 2} y={H - h - 4} textAnchor="middle" className="fill-muted text-[11px]">
                  {w.count}
                </text>
              )}
              {(i % 2 === weeks.length % 2 || weeks.length <= 6) && (
                <text x={x + bar / 2} y={H + 16} textAnchor="middle" className="fill-muted text-[11px]">
                  {fmt.format(new Date(`${w.weekStart}T00:00:00`))}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <table className="sr-only">
        <caption>Interactions per week</caption>
        <thead>
          <tr>
            <th>Week starting</th>
            <th>Interactions</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.weekStart}>
              <td>{w.weekStart}</td>
              <td>{w.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function StageBars({ byStage }: { byStage: Partial<Record<LifecycleStage, number>> }) {
  const entries = (Object.entries(byStage) as [LifecycleStage, number][]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  if (!entries.length) return <p className="text-sm text-muted">No contacts yet.</p>;
  return (
    <ul className="space-y-2" aria-label="Clients by lifecycle stage">
      {entries.map(([stage, n]) => (
        <li key={stage} className="grid grid-cols-[8.5rem_1fr_2.5rem] items-center gap-2 text-sm">
          <span className="truncate">{STAGE_LABELS[stage]}</span>
          <svg viewBox="0 0 100 10" preserveAspectRatio="none" className="h-3 w-full" aria-hidden="true">
            <rect x="0" y="0" width="100" height="10" rx="3" className="fill-raised" />
            <rect x="0" y="0" width={(n / max) * 100} height="10" rx="3" fill={STAGE_COLORS[stage]} />
          </svg>
          <span className="text-right tabular-nums">{n.toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}
