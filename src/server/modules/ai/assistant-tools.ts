import { z } from 'zod';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { LIMITS } from '../../platform/limits.js';
import { TASK_STATUSES } from '../../../shared/domain.js';
import type { Citation } from '../../../shared/api/assistant.js';
import { searchTerms } from '../contacts/search-text.js';
import type { AssistantToolsRepo } from './assistant-tools.repo.js';

const L = LIMITS.assistant;
const DAY = 86_400_000;

/** What one tool call gave the model, and the records it showed (citation candidates, contacts for erasure). */
export type ToolResult = { content: string; records: Citation[]; contactIds: string[] };

type ToolContext = {
  userId: string;
  now: Date;
  repo: AssistantToolsRepo;
  /** The contacts among `ids` with ai_processing consent: one call to the ledger. */
  allowed: (ids: readonly string[]) => Promise<Set<string>>;
};

const clip = (text: string) => (text.length > L.toolTextChars ? `${text.slice(0, L.toolTextChars)}…` : text);
const uuid = z.uuid().transform((v) => v.toLowerCase());

const TOOLS = {
  search_contacts: {
    description:
      "Find the practice's contacts (clients) by words in their details or in what their timeline says; optionally only those not contacted for some days. Without a query: the most recently contacted.",
    args: z.strictObject({
      query: z.string().max(200).optional(),
      notContactedForDays: z.number().int().min(1).max(3650).optional(),
    }),
  },
  contact_timeline: {
    description: "The latest entries of one contact's timeline (sessions, calls, emails, notes), newest first.",
    args: z.strictObject({ contactId: uuid }),
  },
  calendar_events: {
    description: 'Calendar events between two dates (ISO 8601; default: the next 14 days; at most 92 days).',
    args: z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() }),
  },
  tasks: {
    description: 'Tasks, soonest due first: the open ones, or those of one status.',
    args: z.strictObject({ status: z.enum(TASK_STATUSES).optional() }),
  },
  goals: {
    description: "Goals and their progress: one contact's, or every contact's.",
    args: z.strictObject({ contactId: uuid.optional() }),
  },
  practice_stats: {
    description:
      'Counts of the practice: contacts, active contacts, timeline entries of the last 30 days, open and overdue tasks, active goals.',
    args: z.strictObject({}),
  },
} as const;
type ToolName = keyof typeof TOOLS;

/** The tool definitions sent with every round but the last (each a JSON schema from its zod arguments). */
export const assistantTools: ChatCompletionTool[] = Object.entries(TOOLS).map(([name, t]) => ({
  type: 'function',
  function: {
    name,
    description: t.description,
    parameters: z.toJSONSchema(t.args, { target: 'draft-7', io: 'input' }) as Record<string, unknown>,
  },
}));

const result = (data: unknown, records: Citation[] = [], contactIds: string[] = []): ToolResult => ({
  content: JSON.stringify(data),
  records,
  contactIds,
});

/**
 * Runs one tool call for the user: read-only, one statement, bounded, and only contacts with
 * ai_processing consent (and the records about them) in what it returns. A bad call answers an
 * error the model can read, never an exception.
 */
export async function runTool(ctx: ToolContext, name: string, rawArgs: string): Promise<ToolResult> {
  const tool = TOOLS[name as ToolName];
  if (!tool) return result({ error: `unknown tool ${name}` });
  let json: unknown;
  try {
    json = rawArgs.trim() ? JSON.parse(rawArgs) : {};
  } catch {
    return result({ error: 'the arguments are not JSON' });
  }
  const parsed = tool.args.safeParse(json);
  if (!parsed.success) return result({ error: z.prettifyError(parsed.error).slice(0, 500) });
  return RUNNERS[name as ToolName](ctx, parsed.data as never);
}

const RUNNERS: { [K in ToolName]: (ctx: ToolContext, args: z.infer<(typeof TOOLS)[K]['args']>) => Promise<ToolResult> } = {
  async search_contacts(ctx, args) {
    // More than needed, since contacts without consent are dropped afterwards.
    const rows = await ctx.repo.searchContacts(
      ctx.userId,
      searchTerms(args.query ?? ''),
      L.toolResults * 3,
      ctx.now,
      args.notContactedForDays,
    );
    const ok = await ctx.allowed(rows.map((r) => r.id));
    const shown = rows.filter((r) => ok.has(r.id)).slice(0, L.toolResults);
    return result(
      shown.map(({ score: _s, ...r }) => r),
      shown.map((r) => ({ kind: 'contact', id: r.id, label: r.name, contactId: r.id })),
      shown.map((r) => r.id),
    );
  },

  async contact_timeline(ctx, { contactId }) {
    const ok = await ctx.allowed([contactId]);
    if (!ok.has(contactId)) return result({ error: 'no contact with this id (or it may not be shown to the assistant)' });
    const rows = await ctx.repo.timeline(ctx.userId, contactId, L.toolResults);
    return result(
      rows.map((r) => ({ ...r, subject: clip(r.subject), content: clip(r.content) })),
      rows.map((r) => ({ kind: 'interaction', id: r.id, label: clip(r.subject || r.type).slice(0, 80), contactId })),
      [contactId],
    );
  },

  async calendar_events(ctx, args) {
    const from = args.from ? new Date(`${args.from}T00:00:00Z`) : ctx.now;
    const wanted = args.to ? new Date(`${args.to}T00:00:00Z`) : new Date(from.getTime() + 14 * DAY);
    const to = new Date(Math.min(wanted.getTime(), from.getTime() + 92 * DAY));
    const rows = await ctx.repo.events(ctx.userId, from, to, L.toolResults * 3);
    const ok = await ctx.allowed(rows.flatMap((r) => (r.contact_id ? [r.contact_id] : [])));
    const shown = rows.filter((r) => !r.contact_id || ok.has(r.contact_id)).slice(0, L.toolResults);
    return result(
      shown.map((r) => ({ ...r, title: clip(r.title) })),
      shown.map((r) => ({ kind: 'event', id: r.id, label: clip(r.title).slice(0, 80), contactId: r.contact_id })),
      shown.flatMap((r) => (r.contact_id ? [r.contact_id] : [])),
    );
  },

  async tasks(ctx, args) {
    const rows = await ctx.repo.tasks(ctx.userId, args.status, L.toolResults * 3);
    const ok = await ctx.allowed([...new Set(rows.flatMap((r) => r.contact_ids))]);
    // A task about a contact without consent would name them: left out.
    const shown = rows.filter((r) => r.contact_ids.every((id) => ok.has(id))).slice(0, L.toolResults);
    return result(
      shown.map((r) => ({ ...r, title: clip(r.title) })),
      shown.map((r) => ({ kind: 'task', id: r.id, label: clip(r.title).slice(0, 80), contactId: r.contact_ids[0] ?? null })),
      shown.flatMap((r) => r.contact_ids),
    );
  },

  async goals(ctx, args) {
    const rows = await ctx.repo.goals(ctx.userId, args.contactId, L.toolResults * 3);
    const ok = await ctx.allowed([...new Set(rows.map((r) => r.contact_id))]);
    const shown = rows.filter((r) => ok.has(r.contact_id)).slice(0, L.toolResults);
    return result(
      shown.map((r) => ({ ...r, title: clip(r.title) })),
      shown.map((r) => ({ kind: 'goal', id: r.id, label: clip(r.title).slice(0, 80), contactId: r.contact_id })),
      shown.map((r) => r.contact_id),
    );
  },

  async practice_stats(ctx) {
    return result(await ctx.repo.stats(ctx.userId, ctx.now));
  },
};
