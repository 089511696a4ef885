import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/api-client';
import type { Interaction } from '../../shared/api/interactions';
import { useToast } from '../app/toasts';
import { useDraft } from '../lib/use-draft';
import { fromLocalInput, plural } from '../lib/format';
import { INTERACTION_LABELS } from '../lib/labels';
import { blankEntry, EntryForm, sentimentOf, type EntryValues } from '../pages/contact/timeline-entry-form';
import { ContactPicker } from './contact-picker';
import { Avatar } from './contact-bits';
import { Modal } from './ui';

type Attendee = { id: string; name: string; photoUrl: string | null };

function useLogForMany() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { contactIds: string[] } & Record<string, unknown>) =>
      api.post<{ items: Interaction[] }>('/api/interactions/bulk', input),
    onSettled: () => qc.invalidateQueries(),
  });
}

/** One class or group session for several people at once: one timeline entry each, in one request. */
export function LogClassDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const attendees = useDraft<Attendee[]>('class-log:attendees', []);
  const log = useLogForMany();
  const toast = useToast();
  const people = attendees.value;
  const submit = (v: EntryValues, reset: () => void) => {
    if (!people.length) return toast.error('Add at least one person who came before logging the class.');
    log.mutate(
      {
        contactIds: people.map((p) => p.id),
        type: v.type,
        subject: v.subject.trim(),
        content: v.content,
        occurredAt: fromLocalInput(v.when),
        sentiment: sentimentOf(v),
      },
      {
        onSuccess: (res) => {
          toast.success(`${INTERACTION_LABELS[v.type]} logged for ${plural(res.items.length, 'person', 'people')}.`);
          reset();
          attendees.clear([]);
          onClose();
        },
      },
    );
  };
  return (
    <Modal open={open} onClose={onClose} title="Log a class or group session" wide>
      <EntryForm
        title="What happened"
        draftKey="class-log:entry"
        initial={blankEntry('class_attendance')}
        mutation={log}
        errorTitle="The class was not logged"
        submitText={() => (people.length ? `Log for ${plural(people.length, 'person', 'people')}` : 'Log class')}
        busyText="Logging…"
        onSubmit={submit}
      >
        <div className="space-y-2">
          <ContactPicker
            label="Who came"
            exclude={people.map((p) => p.id)}
            onPick={(c) => attendees.set((list) => [...list, { id: c.id, name: c.name, photoUrl: c.photoUrl }])}
          />
          {people.length > 0 && (
            <ul className="flex flex-wrap gap-1" aria-label="People who came">
              {people.map((p) => (
                <li key={p.id} className="chip border-line bg-raised text-ink">
                  <Avatar name={p.name} photoUrl={p.photoUrl} size={18} />
                  <span className="truncate">{p.name}</span>
                  <button
                    type="button"
                    className="-mr-1 rounded-full px-1 leading-none hover:bg-line"
                    aria-label={`Remove ${p.name}`}
                    onClick={() => attendees.set((list) => list.filter((x) => x.id !== p.id))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </EntryForm>
    </Modal>
  );
}
