import { AppError } from '../../platform/errors.js';
import { hashPassword, verifyPassword } from '../../platform/crypto.js';
import { LIMITS } from '../../platform/limits.js';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import { loginAttemptChecks, loginAttemptKeys } from './login-limits.js';
import type { DeviceTokens } from './device-tokens.js';
import type { UserSettings } from '../../db/schema/index.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import type { SessionMeta, SessionRecord, SessionStore } from './session-store.js';
import type { UserRow, UsersRepo } from './users.repo.js';

export function presentUser(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    timezone: user.timezone,
    country: user.country,
    settings: {
      keepInTouchDays: { ...DEFAULT_KEEP_IN_TOUCH_DAYS, ...user.settings.keepInTouchDays } as Record<string, number>,
      theme: user.settings.theme ?? 'system',
    },
    hasPassword: user.passwordHash !== null,
    hasGoogle: user.googleSub !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

// Verifying against a real hash when the account does not exist keeps response time from
// revealing which emails have accounts.
let dummyHash: Promise<string> | undefined;

type Deps = {
  users: UsersRepo;
  sessions: SessionStore;
  limiter: RateLimiter;
  devices: DeviceTokens;
  clock: () => Date;
  /** Time zone and cadences shape the dashboard's figures. */
  onChange: (userId: string) => Promise<void>;
  /** Drops every cached answer of a user (account deletion). */
  forgetCached: (userId: string) => Promise<void>;
  /**
   * Revokes the grants other services hold for the account before it is deleted. Nothing to do
   * until Google is connected (a later issue): its module passes its revocation here.
   */
  revokeExternalGrants?: (userId: string) => Promise<void>;
};

export function createAuthService({ users, sessions, limiter, devices, clock, onChange, forgetCached, revokeExternalGrants }: Deps) {
  return {
    async signup(
      input: { email: string; password: string; displayName: string; timezone?: string },
      meta: SessionMeta,
      deviceCookie?: string,
    ) {
      if (meta.ip) {
        await limiter.consume(
          { key: `signup:ip:${meta.ip}`, limit: { max: LIMITS.signup.perIp, windowMs: LIMITS.signup.windowMs } },
          'sign-ups from this network',
        );
      }
      const user = await users.insert({
        email: input.email,
        passwordHash: await hashPassword(input.password),
        displayName: input.displayName || input.email.split('@')[0]!,
        ...(input.timezone ? { timezone: input.timezone } : {}),
      });
      if (!user) throw new AppError('conflict', 'An account with this email already exists. Sign in instead.');
      const { token } = await sessions.create(user.id, meta);
      return { user, token, deviceCookie: devices.remember(user.email, deviceCookie) };
    },

    async login(input: { email: string; password: string }, meta: SessionMeta, previousToken?: string, deviceCookie?: string) {
      const keys = loginAttemptKeys('login', input.email, meta.ip);
      // Reserved before the password is checked: concurrent guesses each take one of the attempts.
      await limiter.consume(loginAttemptChecks(keys, devices.isKnown(input.email, deviceCookie)), 'sign-in attempts');
      const user = await users.findByEmail(input.email);
      dummyHash ??= hashPassword('not-a-real-password');
      const isValid = await verifyPassword(user?.passwordHash ?? (await dummyHash), input.password);
      if (!user || !user.passwordHash || !isValid) {
        // Known accounts only (an unknown email has nobody to show it to); never the password tried.
        if (user)
          await users.audit({ userId: user.id, action: 'auth.sign_in_failed', entityType: 'account', entityId: user.id, ip: meta.ip });
        throw new AppError('unauthenticated', 'Email or password is incorrect.');
      }
      await limiter.reset(keys.pair);
      // A new id at every sign-in: a session id planted before login is worthless after it.
      if (previousToken) {
        const previous = await sessions.get(previousToken);
        if (previous) await sessions.destroy(previous.idHash);
      }
      const { token } = await sessions.create(user.id, meta);
      await users.audit({ userId: user.id, action: 'auth.sign_in', entityType: 'account', entityId: user.id, ip: meta.ip });
      return { user, token, deviceCookie: devices.remember(input.email, deviceCookie) };
    },

    /** Re-authenticates with the current password, limited like sign-in; the caller gets a new session id. */
    async changePassword(
      userId: string,
      input: { currentPassword: string; newPassword: string },
      meta: SessionMeta,
    ): Promise<{ token: string }> {
      const keys = loginAttemptKeys('password', userId, meta.ip);
      await limiter.consume(loginAttemptChecks(keys, false), 'password attempts');
      const user = await users.findById(userId);
      if (!user) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
      if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
        throw new AppError('unprocessable', 'The current password is incorrect.', { field: 'currentPassword' });
      }
      await limiter.reset(keys.pair);
      await users.updatePassword(userId, await hashPassword(input.newPassword), clock(), {
        userId,
        action: 'auth.password_changed',
        entityType: 'account',
        entityId: userId,
        ip: meta.ip,
      });
      const { token, record } = await sessions.create(userId, meta);
      await sessions.destroyAllForUser(userId, record.idHash);
      return { token };
    },

    async logout(userId: string, idHash: string, ip?: string) {
      await sessions.destroy(idHash);
      await users.audit({ userId, action: 'auth.sign_out', entityType: 'session', ip });
    },
    async logoutEverywhere(userId: string, ip?: string) {
      await sessions.destroyAllForUser(userId);
      await users.audit({ userId, action: 'auth.sign_out_everywhere', entityType: 'account', entityId: userId, ip });
    },
    /**
     * Deletes the account and everything in it. Confirmed by the password (limited like a password
     * change) or, without one, by a sign-in younger than LIMITS.freshSignInMs. Every session ends
     * through the store (its kept copies included) and every cached answer is dropped.
     */
    async deleteAccount(userId: string, session: SessionRecord | undefined, input: { password?: string }, meta: SessionMeta) {
      const user = await users.findById(userId);
      if (!user) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
      if (input.password !== undefined) {
        const keys = loginAttemptKeys('password', userId, meta.ip);
        await limiter.consume(loginAttemptChecks(keys, false), 'password attempts');
        if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.password))) {
          throw new AppError('unprocessable', 'The password is incorrect.', { field: 'password' });
        }
      } else {
        const signedInAt = session?.createdAt.getTime() ?? 0;
        if (clock().getTime() - signedInAt > LIMITS.freshSignInMs) {
          throw new AppError('unprocessable', 'Type your password to confirm, or sign in again and delete within 5 minutes.', {
            field: 'password',
          });
        }
      }
      await revokeExternalGrants?.(userId);
      await users.deleteAccount(userId);
      await sessions.destroyAllForUser(userId);
      await forgetCached(userId);
    },

    async listSessions(userId: string, currentIdHash: string) {
      const list = await sessions.list(userId);
      return list.map((s: SessionRecord) => ({
        id: s.idHash,
        userAgent: s.userAgent,
        ip: s.ip,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        isCurrent: s.idHash === currentIdHash,
      }));
    },

    async revokeSession(userId: string, idHash: string) {
      if (!(await sessions.destroy(idHash, userId))) throw new AppError('not_found', 'Session not found');
      await users.audit({ userId, action: 'auth.session_revoked', entityType: 'session' });
    },

    async getUser(userId: string) {
      const user = await users.findById(userId);
      if (!user) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
      return user;
    },

    async updateProfile(
      userId: string,
      patch: { displayName?: string; timezone?: string; country?: string | null; settings?: UserSettings },
    ) {
      const user = await users.findById(userId);
      if (!user) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
      const settings = patch.settings
        ? {
            ...user.settings,
            ...patch.settings,
            keepInTouchDays: { ...user.settings.keepInTouchDays, ...patch.settings.keepInTouchDays },
          }
        : undefined;
      const updated = await users.updateProfile(userId, { ...patch, settings }, clock());
      await onChange(userId);
      return updated!;
    },
  };
}
