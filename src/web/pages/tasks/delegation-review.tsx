import { useState } from 'react';
import { useApproveDelegation, useDelegate, useDiscardDelegation, useUpdateDelegation } from '../../api/suggestions.api';
import { useToast } from '../../app/toasts';
import { Busy } from '../../components/ui';
import type { Delegation } from '../../../shared/api/delegations';
import type { TaskDetail } from '../../../shared/api/tasks';

type Edits = Record<string, { include: boolean; subtaskTitle: string; subject: string; body: string }>;

const editsOf = (d: Delegation): Edits =>
  Object.fromEntries(
    d.segments.map((s) => [s.key, { include: s.include, subtaskTitle: s.subtaskTitle, subject: s.subject, body: s.body }]),
  );

/** One proposal under review: each segment's subtask and email draft, editable, then approve or discard. */
function Review({ delegation, onClose }: { delegation: Delegation; onClose: () => void }) {
  const [edits, setEdits] = useState<Edits>(() => editsOf(delegation));
  const update = useUpdateDelegation();
  const approve = useApproveDelegation();
  const discard = useDiscardDelegation();
  const toast = useToast();
  const busy = update.isPending || approve.isPending || discard.isPending;
  const set = (key: string, field: keyof Edits[string], value: string | boolean) =>
    setEdits((e) => ({ ...e, [key]: { ...e[key]!, [field]: value } }));

  async function onApprove() {
    try {
      await update.mutateAsync({ id: delegation.id, segments: Object.entries(edits).map(([key, e]) => ({ key, ...e })) });
      const done = await approve.mutateAsync(delegation.id);
      toast.success(`${done.createdTaskIds.length} subtask(s) created with their email drafts. Nothing was sent.`);
      onClose();
    } catch (err) {
      toast.error(err);
    }
  }

  return (
    <div className="space-y-3" aria-label="Delegation review">
      <p className="text-xs text-muted">
        {delegation.madeWithoutModel ? 'Drafted from a template, without an AI model.' : `Drafted by ${delegation.model}.`} Review each
        draft; approving creates the subtasks and keeps the emails as drafts for you to send.
      </p>
      <ul className="space-y-3">
        {delegation.segments.map((s) => {
          const e = edits[s.key]!;
          return (
            <li key={s.key} className="space-y-2 rounded-lg border border-line p-3" aria-label={`Segment ${s.label}`}>
              <label className="flex items-center gap-2 font-medium">
                <input type="checkbox" checked={e.include} onChange={(ev) => set(s.key, 'include', ev.target.checked)} />
                {s.label} · {s.contacts.length} client(s)
              </label>
              <p className="text-xs text-muted">{s.contacts.map((c) => c.name).join(', ')}</p>
              <label className="block text-sm">
                Subtask
                <input className="input" value={e.subtaskTitle} onChange={(ev) => set(s.key, 'subtaskTitle', ev.target.value)} />
              </label>
              <label className="block text-sm">
                Email subject
                <input className="input" value={e.subject} onChange={(ev) => set(s.key, 'subject', ev.target.value)} />
              </label>
              <label className="block text-sm">
                Email draft
                <textarea className="input" rows={4} value={e.body} onChange={(ev) => set(s.key, 'body', ev.target.value)} />
              </label>
            </li>
          );
        })}
      </ul>
      <div className="flex gap-2">
        <button type="button" className="btn-primary" disabled={busy || !Object.values(edits).some((e) => e.include)} onClick={onApprove}>
          <Busy isBusy={approve.isPending || update.isPending} busyText="Approving…">
            Approve and create subtasks
          </Busy>
        </button>
        <button
          type="button"
          className="btn-ghost"
          disabled={busy}
          onClick={() =>
            discard.mutate(delegation.id, {
              onSuccess: () => {
                toast.success('Delegation discarded; nothing was created.');
                onClose();
              },
              onError: (err) => toast.error(err),
            })
          }
        >
          Discard
        </button>
      </div>
    </div>
  );
}

/** "Delegate": splits the task per client segment (by stage or tag) into a proposal to review. */
export function DelegateTask({ task }: { task: TaskDetail }) {
  const [by, setBy] = useState<'stage' | 'tag'>('stage');
  const [proposal, setProposal] = useState<Delegation | null>(null);
  const delegate = useDelegate();
  const toast = useToast();
  return (
    <section aria-labelledby="delegate-title" className="space-y-2">
      <h3 id="delegate-title" className="font-semibold">
        Delegate
      </h3>
      {proposal ? (
        <Review key={proposal.id} delegation={proposal} onClose={() => setProposal(null)} />
      ) : (
        <div className="flex flex-wrap items-center gap-2">
          <label className="text-sm">
            Split per{' '}
            <select className="input inline-block w-auto" value={by} onChange={(e) => setBy(e.target.value as 'stage' | 'tag')}>
              <option value="stage">lifecycle stage</option>
              <option value="tag">tag</option>
            </select>
          </label>
          <button
            type="button"
            className="btn-secondary"
            disabled={delegate.isPending}
            onClick={() => delegate.mutate({ taskId: task.id, by }, { onSuccess: setProposal, onError: (e) => toast.error(e) })}
          >
            <Busy isBusy={delegate.isPending} busyText="Drafting…">
              Propose subtasks and emails
            </Busy>
          </button>
        </div>
      )}
    </section>
  );
}
