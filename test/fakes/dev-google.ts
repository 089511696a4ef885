import { DEMO_GOOGLE_USER, seedDemoGoogle } from './demo-google.js';
import { startFakeGoogle } from './fake-google.js';

/**
 * The fake Google for trying the whole flow locally without a Google project:
 *   npm run dev:google            # prints the settings to start the server with
 * It approves every sign-in as you@gmail.test, whose calendars hold a few sessions with
 * anna@example.com and ben@example.com, and whose mailbox holds a thread with Anna (and a newsletter, never
 * stored): add contacts with those emails and their calendar (and email) consent.
 */
const google = await startFakeGoogle();
seedDemoGoogle(google);
const me = DEMO_GOOGLE_USER;

const env = Object.entries(google.env())
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
process.stdout.write(`Fake Google on ${google.url} (signs in as ${me}). Start the server with:\n\n  ${env} npm run dev\n\n`);
