import { DEMO_GOOGLE_USER, seedDemoGoogle } from './demo-google.js';
import { startFakeGoogle } from './fake-google.js';

/**
 * The fake Google for trying the whole flow locally without a Google project:
 *   npm run dev:google            # prints the settings to start the server with
 * "Sign in with Google" shows an account chooser (you@gmail.test, or any address you type: a new
 * Google account with a verified email). Connecting Google approves as you@gmail.test, whose
 * calendars hold a few sessions with anna@example.com and ben@example.com, and whose mailbox holds
 * a thread with Anna (and a newsletter, never stored): add contacts with those emails and their
 * calendar (and email) consent.
 */
const google = await startFakeGoogle({ accountChooser: true });
seedDemoGoogle(google);
const me = DEMO_GOOGLE_USER;

const env = Object.entries(google.env())
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
process.stdout.write(
  `Fake Google on ${google.url} (connects as ${me}; Sign in with Google lets you choose). Start the server with:\n\n  ${env} npm run dev\n\n`,
);
