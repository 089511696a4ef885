import crypto from 'node:crypto';

/**
 * The identity half of the fake Google: an RS256 key made when the fake starts, id_tokens signed
 * with it, its public key served as Google serves its own (PEM by key id for Node clients, a JWKS
 * for the others), and the account chooser people see in dev mode and browser tests.
 */
export function createIdTokenSigner() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  let stranger: crypto.KeyObject | undefined;
  const kid = crypto.randomBytes(8).toString('hex');
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    /**
     * A compact JWS of the claims; iat and exp (an hour) are added unless given. `forged`: signed
     * with another key under the same key id (what a forger would send).
     */
    sign(claims: Record<string, unknown>, options: { forged?: boolean } = {}): string {
      const now = Math.floor(Date.now() / 1000);
      const head = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64({ iat: now, exp: now + 3600, ...claims })}`;
      const key = options.forged ? (stranger ??= crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey) : privateKey;
      return `${head}.${crypto.sign('sha256', Buffer.from(head), key).toString('base64url')}`;
    },
    pemCerts: () => ({ [kid]: publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
    jwks: () => ({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] }),
  };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Google's account chooser, as a plain form: a known account, or any other address. */
export function chooserPage(request: Record<string, string>, accounts: string[], error?: string): string {
  const hidden = `<input type="hidden" name="request" value="${escape(JSON.stringify(request))}">`;
  const buttons = accounts
    .map(
      (email) =>
        `<form method="post" action="/o/oauth2/v2/auth/choose">${hidden}<input type="hidden" name="email" value="${escape(email)}"><button type="submit">${escape(email)}</button></form>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Choose an account (fake Google)</title></head>
<body><main><h1>Choose an account</h1><p>to continue to MindfulCRM (fake Google: no password is asked)</p>${buttons}
<form method="post" action="/o/oauth2/v2/auth/choose">${hidden}
<label>Use another account <input type="email" name="email" required></label>
${error ? `<p role="alert">${escape(error)}</p>` : ''}<button type="submit">Next</button></form></main></body></html>`;
}
