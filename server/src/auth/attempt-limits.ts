import { createHash } from "node:crypto";
import type { BetterAuthPlugin, BetterAuthRateLimitOptions, BetterAuthRateLimitStorage } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { Redis } from "ioredis";

/** A window in seconds and the attempts it allows. */
export interface AttemptRule {
  window: number;
  max: number;
}

/**
 * The limits on the auth routes, on top of the API's global limit. better-auth's own limiter counts per client
 * IP and route; sign-in is also counted per account, so spreading guesses over many addresses (or headers)
 * gains nothing: after `signInPerAccount.max` attempts on one email in the window, even the right password
 * waits for the window to end (429 with Retry-After).
 */
export const AUTH_LIMITS = {
  perIp: { window: 60, max: 600 },
  signUpPerIp: { window: 60, max: 60 },
  signInPerIp: { window: 60, max: 30 },
  signInPerAccount: { window: 15 * 60, max: 10 },
} satisfies Record<string, AttemptRule>;

/**
 * Fixed-window counters for better-auth's limiter and the per-account one: in Redis when there is one (every
 * API process shares them), else in this process's memory.
 */
export function attemptStorage(redis: Redis | undefined, prefix: string): BetterAuthRateLimitStorage {
  return redis ? redisStorage(redis, `${prefix}:auth-rl:`) : memoryStorage();
}

function decide(count: number, msLeft: number, rule: AttemptRule) {
  return count <= rule.max
    ? { allowed: true, retryAfter: null }
    : { allowed: false, retryAfter: Math.max(1, Math.ceil(msLeft / 1000)) };
}

function redisStorage(redis: Redis, prefix: string): BetterAuthRateLimitStorage {
  return {
    async consume(key, rule) {
      const slot = `${prefix}${key}`;
      // NX: the window starts with the first attempt and is not pushed back by the ones after it.
      const replies = (await redis
        .multi()
        .incr(slot)
        .pexpire(slot, rule.window * 1000, "NX")
        .pttl(slot)
        .exec()) as [[unknown, number], [unknown, number], [unknown, number]];
      return decide(replies[0][1], replies[2][1], rule);
    },
  };
}

function memoryStorage(): BetterAuthRateLimitStorage {
  const windows = new Map<string, { count: number; endsAt: number }>();
  return {
    async consume(key, rule) {
      const now = Date.now();
      for (const [old, entry] of windows) if (entry.endsAt <= now) windows.delete(old);
      const entry = windows.get(key) ?? { count: 0, endsAt: now + rule.window * 1000 };
      entry.count += 1;
      windows.set(key, entry);
      return decide(entry.count, entry.endsAt - now, rule);
    },
  };
}

/** better-auth's own limiter, per client IP and route, on our storage. */
export function authRateLimit(storage: BetterAuthRateLimitStorage): BetterAuthRateLimitOptions {
  return {
    enabled: true,
    ...AUTH_LIMITS.perIp,
    customStorage: storage,
    customRules: {
      "/sign-in/email": AUTH_LIMITS.signInPerIp,
      "/sign-up/email": AUTH_LIMITS.signUpPerIp,
    },
  };
}

/** The per-account sign-in limit: every attempt on an email counts, whatever its outcome. */
export function signInThrottle(storage: BetterAuthRateLimitStorage): BetterAuthPlugin {
  return {
    id: "segmento-sign-in-throttle",
    hooks: {
      before: [
        {
          matcher: (context) => context.path === "/sign-in/email",
          handler: createAuthMiddleware(async (context) => {
            const email = (context.body as { email?: unknown } | undefined)?.email;
            if (typeof email !== "string") return;
            // Hashed: the counter's key names no one.
            const account = createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
            const { allowed, retryAfter } = await storage.consume(
              `sign-in-account:${account}`,
              AUTH_LIMITS.signInPerAccount,
            );
            if (allowed) return;
            throw new APIError(
              "TOO_MANY_REQUESTS",
              { code: "TOO_MANY_SIGN_IN_ATTEMPTS", message: "Too many sign-in attempts for this account" },
              { "Retry-After": String(retryAfter) },
            );
          }),
        },
      ],
    },
  };
}
