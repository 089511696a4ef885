import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIdTokenSigner } from './fake-google-identity.js';

/** The fake's id_tokens verify with the keys it publishes, in both of Google's formats, and with nothing else. */
describe('fake Google id_tokens', () => {
  const verifyWith = (key: crypto.KeyObject, token: string) => {
    const [head, body, signature] = token.split('.');
    return crypto.verify('sha256', Buffer.from(`${head}.${body}`), key, Buffer.from(signature!, 'base64url'));
  };

  it('signs RS256 tokens that its PEM certs and its JWKS both verify', () => {
    const signer = createIdTokenSigner();
    const token = signer.sign({ sub: '1', email: 'a@gmail.test', email_verified: true });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const pem = signer.pemCerts()[header.kid]!;
    expect(verifyWith(crypto.createPublicKey(pem), token)).toBe(true);
    const jwk = signer.jwks().keys.find((k) => k.kid === header.kid)!;
    expect(jwk).toMatchObject({ alg: 'RS256', use: 'sig', kty: 'RSA' });
    expect(verifyWith(crypto.createPublicKey({ key: jwk, format: 'jwk' }), token)).toBe(true);

    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload.exp - payload.iat).toBe(3600);
    // Another fake's key (another start) does not verify it.
    const other = createIdTokenSigner();
    expect(verifyWith(crypto.createPublicKey(Object.values(other.pemCerts())[0]!), token)).toBe(false);
  });
});
