import { useState, type FormEvent } from 'react';
import { fieldErrors } from '../api/api-client';
import { useCreateContact } from '../api/contacts.api';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../shared/domain';
import { STAGE_LABELS } from '../lib/labels';
import { useToast } from '../app/toasts';
import { TagPicker } from './tag-picker';
import { Busy, ErrorNotice, Field, Modal } from './ui';

export function QuickAddContact({ open, onClose, onAdded }: { open: boolean; onClose: () => void; onAdded?: (id: string) => void }) {
  const create = useCreateContact();
  const toast = useToast();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [stage, setStage] = useState<LifecycleStage>('discovery');
  const [tagIds, setTagIds] = useState<string[]>([]);
  const errors = fieldErrors(create.error);

  const reset = () => {
    setName('');
    setEmail('');
    setPhone('');
    setStage('discovery');
    setTagIds([]);
    create.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name, emails: email.trim() ? [email.trim()] : [], phones: phone.trim() ? [phone.trim()] : [], lifecycleStage: stage, tagIds },
      {
        onSuccess: (contact) => {
          toast.success(`Added ${contact.name}.`);
          reset();
          onClose();
          onAdded?.(contact.id);
        },
      },
    );
  };

  return (
    <Modal open={open} onClose={onClose} title="New contact">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Name" error={errors.name}>
          {(p) => <input {...p} className="input" required value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Email" error={errors['emails.0'] ?? errors.emails}>
            {(p) => (
              <input {...p} className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
            )}
          </Field>
          <Field label="Phone" error={errors['phones.0']}>
            {(p) => (
              <input {...p} className="input" type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} autoComplete="off" />
            )}
          </Field>
        </div>
        <Field label="Lifecycle stage">
          {(p) => (
            <select {...p} className="input" value={stage} onChange={(e) => setStage(e.target.value as LifecycleStage)}>
              {LIFECYCLE_STAGES.map((s) => (
                <option key={s} value={s}>
                  {STAGE_LABELS[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TagPicker value={tagIds} onChange={setTagIds} />
        {create.error && Object.keys(errors).length === 0 && <ErrorNotice error={create.error} title="The contact was not added" />}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn-primary" disabled={create.isPending || !name.trim()}>
            <Busy isBusy={create.isPending} busyText="Adding…">
              Add contact
            </Busy>
          </button>
        </div>
      </form>
    </Modal>
  );
}
