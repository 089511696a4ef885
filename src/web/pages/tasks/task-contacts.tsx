import { useId, useRef } from 'react';
import { Link } from 'wouter';
import { useUpdateTask } from '../../api/tasks.api';
import type { TaskDetail } from '../../../shared/api/tasks';
import { useToast } from '../../app/toasts';
import { Avatar } from '../../components/contact-bits';
import { ContactPicker } from '../../components/contact-picker';
import { Icon } from '../../components/icons';

/** The contacts a task is for: remove one, or add one found by a server search. */
export function TaskContacts({ task }: { task: TaskDetail }) {
  const update = useUpdateTask();
  const toast = useToast();
  const titleId = useId();
  const pickerRef = useRef<HTMLInputElement>(null);
  const contacts = task.contacts ?? [];
  const ids = contacts.map((c) => c.id);

  // The whole list is sent each time, so a second change waits for the first answer instead of racing it.
  const save = (contactIds: string[], done: string) => {
    if (update.isPending) {
      toast.error('Still saving the previous change; try again in a moment.');
      return;
    }
    update.mutate({ id: task.id, contactIds }, { onSuccess: () => toast.success(done), onError: (e) => toast.error(e) });
  };

  return (
    <section aria-labelledby={titleId} className="space-y-2" aria-busy={update.isPending}>
      <h3 id={titleId} className="font-semibold">
        Contacts
      </h3>
      {contacts.length > 0 ? (
        <ul aria-label="Contacts on this task" className="flex flex-wrap gap-2">
          {contacts.map((c) => (
            <li key={c.id} className="chip border-line bg-raised text-ink">
              <Avatar name={c.name} photoUrl={c.photoUrl} size={20} />
              <Link href={`/contacts/${c.id}`} className="text-brand-ink underline">
                {c.name}
              </Link>
              <button
                type="button"
                className="-mr-1 rounded-full p-0.5 hover:bg-line"
                aria-label={`Remove ${c.name} from this task`}
                onClick={() => {
                  save(
                    ids.filter((x) => x !== c.id),
                    `${c.name} removed from the task.`,
                  );
                  // The button goes away with the contact; keep keyboard users in the section.
                  pickerRef.current?.focus();
                }}
              >
                <Icon name="close" size={14} />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted">No contacts on this task yet.</p>
      )}
      <ContactPicker
        label="Add a contact"
        exclude={ids}
        inputRef={pickerRef}
        onPick={(c) => save([...ids, c.id], `${c.name} added to the task.`)}
      />
    </section>
  );
}
