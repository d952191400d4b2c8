import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { type RedisReply, RedisStore } from "rate-limit-redis";
import type { AppContext } from "../context.js";
import { DependencyUnavailableError } from "../dependency-unavailable.js";
import { DomainError } from "../domain/errors.js";
import type { MessageKey } from "../i18n/index.js";

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
    key?: (req: Parameters<RequestHandler>[0]) => string;
  },
): RequestHandler {
  const redis = app.redis;
  const limiter = rateLimit({
    windowMs: options.windowMs,
    limit: options.max,
    standardHeaders: "draft-6",
    legacyHeaders: false,
    keyGenerator: options.key ?? ((req) => ipKeyGenerator(req.ip ?? "unknown")),
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
 * The documented global limit: 1000 requests per 15 minutes, one bucket per Authorization header (so each API
 * key has its own), else per client IP. The header is hashed before it becomes a key: no secret reaches Redis.
 */
export function globalRateLimit(app: AppContext): RequestHandler {
  return rateLimiter(app, {
    name: "api",
    max: app.config.rateLimit.max,
    windowMs: app.config.rateLimit.windowMs,
    messageKey: "rate_limited",
    key: (req) => {
      const authorization = req.get("authorization");
      if (authorization) return `auth:${createHash("sha256").update(authorization).digest("hex")}`;
      return `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;
    },
  });
}
