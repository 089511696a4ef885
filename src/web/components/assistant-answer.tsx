import { Fragment } from 'react';
import { Link } from 'wouter';
import type { Citation } from '../../shared/api/assistant';

const MARK = /\[([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\]/gi;

/** Where a cited record is shown: its contact's page, or the list that holds it. */
export function citationHref(c: Citation): string {
  if (c.kind === 'contact') return `/contacts/${c.id}`;
  if (c.kind === 'task') return '/tasks';
  return c.contactId ? `/contacts/${c.contactId}` : '/';
}

/** An answer's text with its record ids turned into numbered links, and the list of its sources. */
export function AssistantAnswer({ text, citations, onNavigate }: { text: string; citations: Citation[]; onNavigate: () => void }) {
  const number = new Map(citations.map((c, i) => [c.id, i + 1]));
  const parts = text.split(MARK);
  return (
    <div>
      <p className="whitespace-pre-wrap">
        {parts.map((part, i) => {
          if (i % 2 === 0) return <Fragment key={i}>{part}</Fragment>;
          const c = citations.find((x) => x.id === part.toLowerCase());
          if (!c) return null;
          return (
            <Link key={i} href={citationHref(c)} onClick={onNavigate} className="text-brand-strong underline" title={c.label}>
              [{number.get(c.id)}]
            </Link>
          );
        })}
      </p>
      {citations.length > 0 && (
        <ol aria-label="Sources" className="mt-2 list-decimal space-y-0.5 pl-5 text-xs text-muted">
          {citations.map((c) => (
            <li key={c.id}>
              <Link href={citationHref(c)} onClick={onNavigate} className="underline hover:text-ink">
                {c.label || c.kind}
              </Link>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
