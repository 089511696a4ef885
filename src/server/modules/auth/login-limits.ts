import { LIMITS } from '../../platform/limits.js';
import type { LimitCheck } from '../../platform/rate-limiter.js';

const window = (max: number) => ({ max, windowMs: LIMITS.login.windowMs });

/**
 * Keys of the attempts a password check counts under (sign-in by email, password change by user
 * id): per account and address, per address, per account. Every way of typing a password (sign-in,
 * confirming a Google link, changing it) counts on them, so none is a way around the others.
 */
export function loginAttemptKeys(what: 'login' | 'password', account: string, ip: string | undefined) {
  return {
    pair: `${what}:pair:${account}:${ip ?? '-'}`,
    account: `${what}:account:${account}`,
    ip: ip ? `${what}:ip:${ip}` : undefined,
  };
}

/** The checks for one attempt; a browser known to the account is exempt from the account-wide one. */
export function loginAttemptChecks(keys: ReturnType<typeof loginAttemptKeys>, isKnownDevice: boolean): LimitCheck[] {
  const checks: LimitCheck[] = [{ key: keys.pair, limit: window(LIMITS.login.perAccountAndIp) }];
  if (keys.ip) checks.push({ key: keys.ip, limit: window(LIMITS.login.perIp) });
  if (!isKnownDevice) checks.push({ key: keys.account, limit: window(LIMITS.login.perAccount) });
  return checks;
}

/** A sign-in that types no password (Google) still counts against its address's sign-in attempts. */
export function loginAddressCheck(ip: string | undefined): LimitCheck[] {
  const key = loginAttemptKeys('login', '', ip).ip;
  return key ? [{ key, limit: window(LIMITS.login.perIp) }] : [];
}
