import { z } from 'zod';
import type { ChatMessage } from '../ai/provider.js';

/** The model's drafts: per segment (by ref) the subtask's title and one email to its clients. */
export const delegationContract = z.strictObject({
  segments: z.array(
    z.strictObject({
      ref: z.string(),
      subtaskTitle: z.string().min(1).max(300),
      subject: z.string().max(300),
      body: z.string().max(5000),
    }),
  ),
});

export type DraftSegment = { ref: string; label: string; clients: number };
export type Draft = { subtaskTitle: string; subject: string; body: string };

const SYSTEM =
  'You help a wellness practitioner delegate a task across groups of their clients. ' +
  'For each segment (by ref), write the title of the subtask for that group and one short, warm email ' +
  'the practitioner could send to everyone in it. Address the reader as {{first_name}}; never invent names, ' +
  'dates or prices. Answer every segment exactly once.';

/** The prompt holds the task's text (masked) and each segment's label and size: no client's name or data. */
export function delegationMessages(task: { title: string; description: string }, segments: DraftSegment[]): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Draft the subtasks and emails:\n${JSON.stringify({ task, segments })}` },
  ];
}

/** The offline draft (no model): a template from the task's own words. */
export function templateDraft(task: { title: string; description: string }, label: string): Draft {
  const details = task.description.trim() || task.title;
  return {
    subtaskTitle: `${task.title} (${label})`.slice(0, 500),
    subject: task.title.slice(0, 500),
    body: `Hello {{first_name}},\n\n${details}\n\nLet me know if you have any questions.\n\nWarm regards`,
  };
}

/** A lifecycle stage as people read it: core_client → Core client. */
export function stageLabel(stage: string): string {
  const words = stage.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
