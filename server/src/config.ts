import path from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout (or image) root: this file is server/src/config.ts or server/dist/config.js. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Everything the server reads from the environment, parsed and checked once at start.
 * A bad value stops the server with a message naming the variable, what it got and what it wants.
 */
export interface Config {
  port: number;
  host: string;
  /** Public base URL of this server (better-auth builds its cookies and redirects from it). */
  publicUrl: string;
  /** Postgres connection string; undefined = embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  /** Redis connection string; undefined = in-process job runner. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments (or test servers) can share one Redis. */
  redisPrefix: string;
  /** Where embedded data, generated secrets and uploaded files live. */
  dataDir: string;
  /** better-auth's signing secret; generated once and kept under dataDir when unset. */
  authSecret: string | undefined;
  /** 32-byte key (64 hex) encrypting integration credentials; generated once and kept under dataDir when unset. */
  encryptionKey: string | undefined;
  /** host:port pairs webhooks may call although they are private (local development only). */
  webhookAllowHosts: string[];
  /**
   * Resolves webhook host names before they are checked and pinned. Not read from the environment: tests set
   * it to play a name that is rebound; unset, the system resolver.
   */
  hostLookup?: (host: string) => Promise<string[]>;
  /** Provider API base URLs, overridable (tests and proxies); unset ones use the providers' own. */
  providerBaseUrls: Partial<
    Record<"sendgrid" | "mailchimp" | "amazon_ses" | "twilio" | "messagebird", string>
  >;
  /** Origins allowed by CORS and by better-auth's Origin check. */
  trustedOrigins: string[];
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Largest JSON body accepted, in bytes (10,000 ingest records fit comfortably). */
  bodyLimitBytes: number;
  rateLimit: { max: number; windowMs: number };
  contactRateLimit: { max: number; windowMs: number };
  /** SMTP URL for outgoing mail; undefined keeps mail in the outbox table and logs it. */
  smtpUrl: string | undefined;
  supportEmail: string;
  mailFrom: string;
  /** Check every response against the contract and answer 500 on drift (on in tests). */
  validateResponses: boolean;
  /** Where raw files are kept (a shared volume when workers run on other machines). */
  fileStoreDir: string;
  /** Largest file upload, in bytes. */
  uploadLimitBytes: number;
  /** How long live progress is kept after a job's last update. */
  progressTtlSeconds: number;
  /** Quiet time after the last ingest batch before a project's segmentation starts. */
  segmentationDebounceMs: number;
  /** Jobs a worker process runs at once, per job type. */
  workerConcurrency: number;
  /** Worker threads for the Engine's model fits (0: on the main thread). */
  engineThreads: number;
  /** How long a worker holds a job before another may take it over after a crash. */
  workerLockMs: number;
  /** Interval of the SSE heartbeat comment that keeps proxies from closing a quiet stream. */
  sseHeartbeatMs: number;
  /** The built documentation site served at /docs. */
  docsSiteDir: string;
  /** The built dashboard served at /. */
  dashboardDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const read = (name: string) => {
    const v = env[name]?.trim();
    return v === "" ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = read(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(" or ")} URL (got protocol "${parsed.protocol}")`);
      }
      return raw;
    } catch {
      problems.push(`${name} is not a valid URL (expected e.g. ${protocols[0]}//host:port/...)`);
      return undefined;
    }
  };

  const port = int("PORT", 3001, 0, 65535);
  const host = read("HOST") ?? "127.0.0.1";
  const publicUrl = url("PUBLIC_URL", ["http:", "https:"]) ?? `http://localhost:${port}`;
  const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
  const logLevelRaw = read("LOG_LEVEL") ?? "info";
  const logLevel = logLevels.find((l) => l === logLevelRaw);
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${logLevels.join(", ")} (got "${logLevelRaw}")`);
  const authSecret = read("BETTER_AUTH_SECRET");
  if (authSecret !== undefined && authSecret.length < 32) {
    problems.push(
      "BETTER_AUTH_SECRET must be at least 32 characters (generate one with `openssl rand -hex 32`)",
    );
  }
  const encryptionKey = read("ENCRYPTION_KEY");
  if (encryptionKey !== undefined && !/^[0-9a-f]{64}$/i.test(encryptionKey)) {
    problems.push(
      "ENCRYPTION_KEY must be 64 hex characters (32 bytes; generate one with `openssl rand -hex 32`)",
    );
  }
  const trustedOrigins = (read("TRUSTED_ORIGINS") ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of trustedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      problems.push(`TRUSTED_ORIGINS entry "${origin}" must be an origin like https://app.example.com`);
    }
  }

  const dataDir = path.resolve(read("SEGMENTO_DATA_DIR") ?? ".segmento");
  const config: Config = {
    port,
    host,
    publicUrl,
    databaseUrl: url("DATABASE_URL", ["postgres:", "postgresql:"]),
    redisUrl: url("REDIS_URL", ["redis:", "rediss:"]),
    redisPrefix: read("REDIS_PREFIX") ?? "segmento",
    dataDir,
    authSecret,
    encryptionKey,
    webhookAllowHosts: (read("WEBHOOK_ALLOW_HOSTS") ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean),
    providerBaseUrls: Object.fromEntries(
      (
        [
          ["sendgrid", "SENDGRID_API_BASE"],
          ["mailchimp", "MAILCHIMP_API_BASE"],
          ["amazon_ses", "SES_API_BASE"],
          ["twilio", "TWILIO_API_BASE"],
          ["messagebird", "MESSAGEBIRD_API_BASE"],
        ] as const
      ).flatMap(([channel, name]) => {
        const value = url(name, ["http:", "https:"]);
        return value ? [[channel, value]] : [];
      }),
    ),
    trustedOrigins: [...new Set([new URL(publicUrl).origin, ...trustedOrigins])],
    logLevel: logLevel ?? "info",
    bodyLimitBytes: int("BODY_LIMIT_BYTES", 16 * 1024 * 1024, 1024, 512 * 1024 * 1024),
    rateLimit: {
      max: int("RATE_LIMIT_MAX", 1000, 1, 10_000_000),
      windowMs: int("RATE_LIMIT_WINDOW_MS", 15 * 60 * 1000, 1000, 24 * 60 * 60 * 1000),
    },
    contactRateLimit: {
      max: int("CONTACT_RATE_LIMIT_MAX", 5, 1, 10_000),
      windowMs: int("CONTACT_RATE_LIMIT_WINDOW_MS", 60 * 60 * 1000, 1000, 24 * 60 * 60 * 1000),
    },
    smtpUrl: url("SMTP_URL", ["smtp:", "smtps:"]),
    supportEmail: read("SUPPORT_EMAIL") ?? "support@segmento.app",
    mailFrom: read("MAIL_FROM") ?? "Segmento <no-reply@segmento.app>",
    validateResponses: read("SEGMENTO_VALIDATE_RESPONSES") === "true",
    fileStoreDir: path.resolve(read("FILE_STORE_DIR") ?? path.join(dataDir, "files")),
    uploadLimitBytes: int("UPLOAD_LIMIT_BYTES", 100 * 1024 * 1024, 1024, 10 * 1024 * 1024 * 1024),
    progressTtlSeconds: int("PROGRESS_TTL_SECONDS", 3600, 1, 7 * 24 * 3600),
    segmentationDebounceMs: int("SEGMENTATION_DEBOUNCE_MS", 5000, 0, 24 * 3600 * 1000),
    workerConcurrency: int("WORKER_CONCURRENCY", 2, 1, 64),
    engineThreads: int("ENGINE_THREADS", 1, 0, 64),
    workerLockMs: int("WORKER_LOCK_MS", 30_000, 1000, 10 * 60 * 1000),
    sseHeartbeatMs: int("SSE_HEARTBEAT_MS", 15_000, 100, 10 * 60 * 1000),
    docsSiteDir: path.resolve(read("DOCS_SITE_DIR") ?? path.join(REPO_ROOT, "docs-site/.vitepress/dist")),
    dashboardDir: path.resolve(read("DASHBOARD_DIR") ?? path.join(REPO_ROOT, "examples/dashboard/dist")),
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The environment variables the server reads, for the README table and `segmento-server --help`. */
export const ENVIRONMENT = [
  ["PORT", "3001", "HTTP port (0 picks a free one)."],
  ["HOST", "127.0.0.1", "Interface to listen on (0.0.0.0 in containers)."],
  [
    "PUBLIC_URL",
    "http://localhost:$PORT",
    "The server's public base URL; its origin is trusted for cookies.",
  ],
  ["DATABASE_URL", "(unset: embedded PGlite)", "PostgreSQL >= 15 with pgvector."],
  ["REDIS_URL", "(unset: in-process jobs)", "Redis >= 7 for BullMQ queues, progress and rate limits."],
  ["REDIS_PREFIX", "segmento", "Prefix of every Redis key."],
  ["SEGMENTO_DATA_DIR", ".segmento", "Embedded database, generated secrets and stored files."],
  ["BETTER_AUTH_SECRET", "(generated into the data dir)", "Session signing secret, >= 32 characters."],
  [
    "ENCRYPTION_KEY",
    "(generated into the data dir)",
    "64 hex characters encrypting integration credentials.",
  ],
  ["WEBHOOK_ALLOW_HOSTS", "(none)", "host:port list webhooks may call although private (development only)."],
  ["SENDGRID_API_BASE", "https://api.sendgrid.com", "SendGrid API base URL (tests, proxies)."],
  ["MAILCHIMP_API_BASE", "https://<dc>.api.mailchimp.com/3.0", "Mailchimp Marketing API base URL."],
  ["SES_API_BASE", "https://email.<region>.amazonaws.com", "Amazon SES v2 base URL."],
  ["TWILIO_API_BASE", "https://api.twilio.com", "Twilio API base URL."],
  ["MESSAGEBIRD_API_BASE", "https://rest.messagebird.com", "MessageBird REST API base URL."],
  ["TRUSTED_ORIGINS", "(none)", "Comma-separated origins allowed by CORS and the session Origin check."],
  ["LOG_LEVEL", "info", "fatal, error, warn, info, debug, trace or silent."],
  ["BODY_LIMIT_BYTES", "16777216", "Largest accepted JSON body; larger bodies get 413."],
  [
    "RATE_LIMIT_MAX",
    "1000",
    "Requests per window per API key (a valid key's own bucket), else per client IP.",
  ],
  ["RATE_LIMIT_WINDOW_MS", "900000", "Rate-limit window (15 minutes)."],
  ["CONTACT_RATE_LIMIT_MAX", "5", "Contact-form messages per window per IP."],
  ["CONTACT_RATE_LIMIT_WINDOW_MS", "3600000", "Contact-form window (1 hour)."],
  ["SMTP_URL", "(unset: outbox table + log)", "smtp(s)://user:pass@host:port for outgoing mail."],
  ["SUPPORT_EMAIL", "support@segmento.app", "Where contact messages are delivered."],
  ["MAIL_FROM", "Segmento <no-reply@segmento.app>", "Sender of outgoing mail."],
  [
    "SEGMENTO_VALIDATE_RESPONSES",
    "false",
    "true: check every response against the OpenAPI contract (tests).",
  ],
  ["DOCS_SITE_DIR", "docs-site/.vitepress/dist", "The built documentation site, served at /docs."],
  ["DASHBOARD_DIR", "examples/dashboard/dist", "The built dashboard, served at /."],
] as const;
