import { notFound } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/types.js';
import type { CalendarRepo } from './calendar.repo.js';
import type { CreateEventInput } from '../../../shared/api/calendar.js';

type Deps = { repo: CalendarRepo; clock: () => Date; onChange: (userId: string) => Promise<void> };

export function createCalendarService({ repo, clock, onChange }: Deps) {
  return {
    /** Schedules a session by hand; JSON text. */
    async create(actor: Actor, input: CreateEventInput): Promise<string> {
      const json = await repo.insertManual(actor.userId, input, clock());
      if (!json) throw notFound('Contact');
      await onChange(actor.userId);
      return json;
    },
  };
}
