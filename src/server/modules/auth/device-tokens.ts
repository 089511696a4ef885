import { hmac, randomToken, safeEqual } from '../../platform/crypto.js';
import { LIMITS } from '../../platform/limits.js';

/**
 * Device cookies (OWASP's answer to lockout abuse): a browser that signed in to an account keeps
 * a token signed for that account, and with it is exempt from the account-wide attempt limit that
 * slows everyone else. One cookie holds the tokens of the last few accounts used in that browser.
 */
export function createDeviceTokens(secret: string) {
  const sign = (email: string, nonce: string) => hmac(secret, `device:${email.toLowerCase()}:${nonce}`);
  const tokensOf = (cookie: string | undefined) => (cookie ? cookie.split('~').slice(0, LIMITS.device.accounts) : []);
  const isFor = (email: string, token: string) => {
    const [nonce, sig] = token.split('.');
    return !!nonce && !!sig && safeEqual(sig, sign(email, nonce));
  };
  return {
    /** True when the cookie holds a token this server signed for the account. */
    isKnown(email: string, cookie: string | undefined): boolean {
      return tokensOf(cookie).some((token) => isFor(email, token));
    },
    /** The cookie after a successful sign-in: this account's token first, the others kept. */
    remember(email: string, cookie: string | undefined): string {
      const others = tokensOf(cookie).filter((token) => !isFor(email, token) && /^[\w-]+\.[\w-]+$/.test(token));
      const nonce = randomToken(12);
      return [`${nonce}.${sign(email, nonce)}`, ...others].slice(0, LIMITS.device.accounts).join('~');
    },
  };
}
export type DeviceTokens = ReturnType<typeof createDeviceTokens>;
