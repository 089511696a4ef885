import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, uniqueEmail, type TestApp } from '../support/app.js';
import { TEST_PASSWORD, TestClient } from '../support/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signUpIn = (timezone?: string) =>
  new TestClient(t.app).post('/api/auth/signup', { email: uniqueEmail('tz'), password: TEST_PASSWORD, ...(timezone ? { timezone } : {}) });

describe('the time zone of a new account', () => {
  it('is the one the browser sends, aliases included, and UTC without one', async () => {
    expect((await signUpIn('Pacific/Kiritimati')).body.user.timezone).toBe('Pacific/Kiritimati');
    // Browsers say Asia/Kolkata where Node's list has Asia/Calcutta: the same zone, accepted as sent.
    expect((await signUpIn('Asia/Kolkata')).body.user.timezone).toBe('Asia/Kolkata');
    expect((await signUpIn()).body.user.timezone).toBe('UTC');
  });

  it('refuses a zone that does not exist, naming the field', async () => {
    const res = await signUpIn('Mars/Olympus_Mons');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([{ path: 'body.timezone', message: 'must be an IANA time zone such as Europe/Paris' }]);
  });
});
