import { AppError, conflict } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/types.js';
import { LIMITS } from '../../platform/limits.js';
import type { createContactsService } from '../contacts/contacts.service.js';
import type { createTasksService } from '../tasks/tasks.service.js';
import type { SuggestionResult } from '../../../shared/api/suggestions.js';
import type { SuggestionRow } from './suggestions.repo.js';

/** The services an approved suggestion acts through (each calls onChange after its write). */
export type ActionServices = { tasks: ReturnType<typeof createTasksService>; contacts: ReturnType<typeof createContactsService> };

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const DAY_MS = 86_400_000;

/** A write refused because the data moved since the suggestion was made: a 409 the person can act on. */
function gone(what: string): AppError {
  return conflict(`${what} no longer exists or changed since this was suggested. Reject the suggestion instead.`);
}

async function createTask(services: ActionServices, actor: Actor, row: SuggestionRow, dueAt: Date | null, description: string) {
  const contactId = row.contact_id;
  if (!contactId) throw gone('The contact');
  try {
    const json = await services.tasks.create(
      actor,
      {
        title: str(row.payload.taskTitle).slice(0, LIMITS.text.short) || row.title.slice(0, LIMITS.text.short),
        description,
        contactIds: [contactId],
        dueAt: dueAt?.toISOString() ?? null,
      },
      'assistant',
    );
    return (JSON.parse(json) as { id: string }).id;
  } catch (err) {
    if (err instanceof AppError && err.code === 'unprocessable') throw gone('The contact');
    throw err;
  }
}

/**
 * Runs an approved suggestion through the service that owns the data and says what was done.
 * Reconnect, photo and consent suggestions become a task linked to the contact; a class's tag is
 * added to the attendee; an overdue task moves a week on. Each can be undone (`undo`).
 */
export async function applySuggestion(services: ActionServices, actor: Actor, row: SuggestionRow, now: Date): Promise<SuggestionResult> {
  switch (row.kind) {
    case 'reconnect': {
      const taskId = await createTask(services, actor, row, now, 'Suggested because they are past their keep-in-touch rhythm.');
      return { message: 'Task created: reach out to them today.', taskId, undoable: true };
    }
    case 'add_photo': {
      const taskId = await createTask(services, actor, row, null, 'Upload a photo on the contact page (they allow photos).');
      return { message: 'Task created: add their photo.', taskId, undoable: true };
    }
    case 'record_consent': {
      const taskId = await createTask(services, actor, row, null, "Ask for their decision, then record it on the contact's Consent tab.");
      return { message: 'Task created: ask for their consent decision.', taskId, undoable: true };
    }
    case 'tag_from_attendance': {
      if (!row.contact_id) throw gone('The contact');
      const done = await services.contacts
        .bulk(actor, { action: 'tag', ids: [row.contact_id], tagIds: [str(row.payload.tagId)] })
        .catch((err) => {
          if (err instanceof AppError && err.code === 'unprocessable') throw gone('The tag');
          throw err;
        });
      if (!done.affected.length) throw gone('The contact');
      return { message: `Tag "${str(row.payload.tagName)}" added.`, taskId: null, undoable: true };
    }
    case 'overdue_task': {
      const taskId = str(row.payload.taskId);
      const current = await readTask(services, actor, taskId);
      if (!current || current.dueAt !== row.payload.dueAt || !['pending', 'in_progress', 'waiting_approval'].includes(current.status)) {
        throw gone('The task');
      }
      const dueAt = new Date(now.getTime() + LIMITS.suggestions.rescheduleDays * DAY_MS).toISOString();
      await services.tasks.update(actor, taskId, { dueAt }, 'assistant');
      return { message: `Task moved to ${dueAt.slice(0, 10)}.`, taskId, undoable: true };
    }
  }
}

async function readTask(services: ActionServices, actor: Actor, id: string) {
  try {
    return JSON.parse(await services.tasks.get(actor, id)) as { dueAt: string | null; status: string };
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return undefined;
    throw err;
  }
}

/** Reverses what `applySuggestion` did: the task it created goes to the trash, the tag comes off, the due date goes back. */
export async function undoSuggestion(services: ActionServices, actor: Actor, row: SuggestionRow): Promise<void> {
  const taskId = str(row.result?.taskId);
  switch (row.kind) {
    case 'reconnect':
    case 'add_photo':
    case 'record_consent':
      try {
        await services.tasks.remove(actor, taskId, 'assistant');
      } catch (err) {
        // Already deleted by the person: nothing left to undo.
        if (!(err instanceof AppError && err.code === 'not_found')) throw err;
      }
      return;
    case 'tag_from_attendance':
      if (row.contact_id) await services.contacts.bulk(actor, { action: 'untag', ids: [row.contact_id], tagIds: [str(row.payload.tagId)] });
      return;
    case 'overdue_task':
      if (!(await readTask(services, actor, taskId))) throw gone('The task');
      await services.tasks.update(actor, taskId, { dueAt: str(row.payload.dueAt) }, 'assistant');
      return;
  }
}
