import { Icon } from './icons';

/** Tap to call or write, where the person has a number or an address. */
export function ReachLinks({ name, phone, email }: { name: string; phone: string | null; email: string | null }) {
  return (
    <>
      {phone && (
        <a className="btn-ghost p-1.5" href={`tel:${phone.replace(/[^\d+]/g, '')}`} aria-label={`Call ${name}`} title={phone}>
          <Icon name="phone" size={16} />
        </a>
      )}
      {email && (
        <a className="btn-ghost p-1.5" href={`mailto:${email}`} aria-label={`Email ${name}`} title={email}>
          <Icon name="mail" size={16} />
        </a>
      )}
    </>
  );
}
