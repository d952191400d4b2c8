import type { RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { type RedisReply, RedisStore } from "rate-limit-redis";
import type { AppContext } from "../context.js";
import { DependencyUnavailableError } from "../dependency-unavailable.js";
import { existingApiKeyId } from "../domain/api-keys/authenticate-api-key.js";
import { DomainError } from "../domain/errors.js";
import type { MessageKey } from "../i18n/index.js";

/**
 * Whether the API's limit applies to a path: everything under /api but the health probes (load balancers probe
 * freely, and they answer while Redis is down). GET /metrics sits outside /api: Prometheus scrapes are not counted.
 */
export const isRateLimited = (path: string) =>
  (path === "/api" || path.startsWith("/api/")) && path !== "/api/health" && path !== "/api/health/ready";

/**
 * A fixed-window limiter with the IETF RateLimit-* headers (draft 6). Counters live in Redis when there is one,
 * so every API process shares the bucket; in embedded mode they live in memory. Over the limit: 429 with
 * Retry-After and `code: rate_limited` (a quota 429 says `quota_exceeded` instead).
 */
export function rateLimiter(
  app: AppContext,
  options: {
    name: string;
    max: number;
    windowMs: number;
    messageKey: MessageKey;
    key?: (req: Parameters<RequestHandler>[0]) => string | Promise<string>;
  },
): RequestHandler {
  const redis = app.redis;
  const limiter = rateLimit({
    windowMs: options.windowMs,
    limit: options.max,
    standardHeaders: "draft-6",
    legacyHeaders: false,
    keyGenerator: options.key ?? ((req) => ipKeyGenerator(req.ip ?? "unknown")),
    // The library's own console logging would print a stack when Redis is down at start-up (its store loads
    // its scripts then); that case is expected and answered with 503 per request, so it is one line in our log.
    logger: {
      error: (error, message) =>
        app.logger.warn({ reason: describe(error) }, message ?? "rate limiter error"),
      warn: (error, message) =>
        app.logger.warn({ reason: describe(error) }, message ?? "rate limiter warning"),
    },
    store: redis
      ? new RedisStore({
          prefix: `${app.config.redisPrefix}:rl:${options.name}:`,
          sendCommand: (command: string, ...args: string[]) =>
            redis.call(command, ...args) as Promise<RedisReply>,
        })
      : undefined,
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
      next(
        new DomainError(
          "rate_limited",
          "rate_limited",
          options.messageKey,
          { limit: options.max, windowMinutes: Math.round(options.windowMs / 60000), retryAfter },
          { retryAfterSeconds: retryAfter },
        ),
      );
    },
  });
  // Apart from our own 429, the limiter fails only when its store (Redis) is unreachable: say so with a 503.
  return (req, res, next) =>
    limiter(req, res, (error?: unknown) =>
      next(error && !(error instanceof DomainError) ? new DependencyUnavailableError("redis", error) : error),
    );
}

/**
 * The documented global limit: 1000 requests per 15 minutes, one bucket per API key when the request carries
 * a well-formed key that exists, else per client IP. Any other Authorization header (a random one, a malformed
 * or unknown key) counts against the IP: inventing headers never buys a fresh bucket. The bucket is named by
 * the key's id, so no secret reaches Redis.
 */
export function globalRateLimit(app: AppContext): RequestHandler {
  const keyIdOf = rememberedApiKeyIds(app);
  return rateLimiter(app, {
    name: "api",
    max: app.config.rateLimit.max,
    windowMs: app.config.rateLimit.windowMs,
    messageKey: "rate_limited",
    key: async (req) => {
      const keyId = await keyIdOf(req.get("authorization"));
      return keyId ? `key:${keyId}` : `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;
    },
  });
}

const REMEMBER_MS = 60_000;
const REMEMBER_MAX = 10_000;

/**
 * The API key id behind an Authorization header, looked up once a minute per header rather than once per
 * request: a burst on one key costs one query. A key deleted meanwhile keeps its bucket for at most a minute
 * (authentication itself always reads the database).
 */
function rememberedApiKeyIds(app: AppContext) {
  const remembered = new Map<string, { keyId: Promise<string | undefined>; until: number }>();
  return (authorization: string | undefined): Promise<string | undefined> => {
    if (!authorization) return Promise.resolve(undefined);
    const now = Date.now();
    const hit = remembered.get(authorization);
    if (hit && hit.until > now) return hit.keyId;
    if (remembered.size >= REMEMBER_MAX) remembered.clear();
    const keyId = existingApiKeyId(app.db.knex, authorization);
    remembered.set(authorization, { keyId, until: now + REMEMBER_MS });
    keyId.catch(() => remembered.delete(authorization));
    return keyId;
  };
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
