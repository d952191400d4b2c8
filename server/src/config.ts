import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type Interval, type PaidPlanId, STRIPE_PRICES, type StripePriceVariable } from "./billing/plans.js";

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
  /** Customers the predictive models learn from: a seeded sample of a larger project (everyone is scored). */
  modelSampleCustomers: number;
  /**
   * When an ingest run refits every model instead of scoring only the changed customers against the stored
   * ones: once the last full run is `intervalHours` old, or once the customers changed since it exceed
   * `driftPercent` of those it was fitted on (0 for either: every run is full).
   */
  fullRun: { intervalHours: number; driftPercent: number };
  /** How long a worker holds a job before another may take it over after a crash. */
  workerLockMs: number;
  /** Interval of the SSE heartbeat comment that keeps proxies from closing a quiet stream. */
  sseHeartbeatMs: number;
  /** The built documentation site served at /docs. */
  docsSiteDir: string;
  /** The built dashboard served at /. */
  dashboardDir: string;
  /** Bearer token that GET /metrics requires; undefined turns metrics off (503 not_configured). */
  metricsToken: string | undefined;
  /** `worker` processes serve GET /metrics on this port (undefined: no metrics listener). */
  metricsPort: number | undefined;
  /** How long a SIGTERM waits for in-flight requests and running jobs before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** Stripe billing; undefined without STRIPE_SECRET_KEY (free plan only, paid operations answer 503). */
  stripe: StripeConfig | undefined;
}

/** The Stripe price ids per paid plan and interval: the only link between our catalogue and Stripe's prices. */
export type StripePrices = Record<PaidPlanId, Record<Interval, string | undefined>>;

export interface StripeConfig {
  secretKey: string;
  /** The webhook endpoint's signing secret (whsec_...); webhooks answer 503 without it. */
  webhookSecret: string | undefined;
  /** Stripe's API base URL (tests point it at a local Stripe); undefined = https://api.stripe.com. */
  apiBase: string | undefined;
  prices: StripePrices;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/**
 * One environment variable: how its text becomes a value (a zod schema whose messages say what it wants), its
 * default, and what it does. This table is the only place a variable is declared: the parser below, `--help`
 * and README's Environment table (`npm run docs:env`) are all made from it, and a test fails when code reads a
 * variable that is not here.
 */
interface Variable<T> {
  schema: z.ZodType<T>;
  /** Used when the variable is unset or empty; undefined leaves the value undefined. */
  fallback?: string;
  /** How the default reads in the docs when it is not a literal value. */
  shownDefault?: string;
  doc: string;
}

const variable = <T>(schema: z.ZodType<T>, options: Omit<Variable<T>, "schema">): Variable<T> => ({
  schema,
  ...options,
});

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: `must be an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be an integer from ${min} to ${max}` })
        .max(max, { error: `must be an integer from ${min} to ${max}` }),
    );

const urlOf = (...protocols: string[]) =>
  z.string().superRefine((raw, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: `is not a valid URL (expected e.g. ${protocols[0]}//host:port/...)`,
      });
      return;
    }
    if (!protocols.includes(parsed.protocol)) {
      ctx.addIssue({
        code: "custom",
        message: `must be a ${protocols.join(" or ")} URL (got protocol "${parsed.protocol}")`,
      });
    }
  });

const list = (item: z.ZodType<string, string> = z.string()) =>
  z
    .string()
    .transform((raw) =>
      raw
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

const text = () => z.string();
/** One variable per paid plan and interval of the plans catalogue (STRIPE_PRICE_PRO_ANNUAL, ...). */
const STRIPE_PRICE_SCHEMA = Object.fromEntries(
  STRIPE_PRICES.map(({ variable: name, doc }) => [
    name,
    variable(z.string().startsWith("price_", { error: "must be a Stripe price id (price_...)" }), {
      shownDefault: "none",
      doc: `Stripe price id (\`price_...\`) of ${doc}.`,
    }),
  ]),
) as Record<StripePriceVariable, Variable<string>>;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const ENVIRONMENT_SCHEMA = {
  PORT: variable(integer(0, 65535), { fallback: "3001", doc: "HTTP port (0 picks a free one)." }),
  HOST: variable(text(), { fallback: "127.0.0.1", doc: "Interface to listen on (`0.0.0.0` in containers)." }),
  PUBLIC_URL: variable(urlOf("http:", "https:"), {
    shownDefault: "http://localhost:$PORT",
    doc: "The server's public base URL; its origin is trusted for cookies.",
  }),
  DATABASE_URL: variable(urlOf("postgres:", "postgresql:"), {
    shownDefault: "unset: embedded PGlite",
    doc: "PostgreSQL >= 15 with pgvector.",
  }),
  REDIS_URL: variable(urlOf("redis:", "rediss:"), {
    shownDefault: "unset: in-process jobs",
    doc: "Redis >= 7 for queues, progress and rate limits.",
  }),
  REDIS_PREFIX: variable(text(), { fallback: "segmento", doc: "Prefix of every Redis key." }),
  SEGMENTO_DATA_DIR: variable(text(), {
    fallback: ".segmento",
    doc: "Embedded database, generated secrets and stored files.",
  }),
  BETTER_AUTH_SECRET: variable(
    z
      .string()
      .min(32, { error: "must be at least 32 characters (generate one with `openssl rand -hex 32`)" }),
    {
      shownDefault: "generated into the data dir",
      doc: "Session signing secret, >= 32 characters; required with `DATABASE_URL`.",
    },
  ),
  ENCRYPTION_KEY: variable(
    z.string().regex(/^[0-9a-f]{64}$/i, {
      error: "must be 64 hex characters (32 bytes; generate one with `openssl rand -hex 32`)",
    }),
    {
      shownDefault: "generated into the data dir",
      doc: "64 hex characters encrypting integration credentials at rest; required with `DATABASE_URL`.",
    },
  ),
  WEBHOOK_ALLOW_HOSTS: variable(list(), {
    shownDefault: "none",
    doc: "`host:port` list that webhooks may call although private (local development only).",
  }),
  SENDGRID_API_BASE: variable(urlOf("http:", "https:"), {
    shownDefault: "https://api.sendgrid.com",
    doc: "SendGrid API base URL (tests, proxies).",
  }),
  MAILCHIMP_API_BASE: variable(urlOf("http:", "https:"), {
    shownDefault: "https://<dc>.api.mailchimp.com/3.0",
    doc: "Mailchimp Marketing API base URL.",
  }),
  SES_API_BASE: variable(urlOf("http:", "https:"), {
    shownDefault: "https://email.<region>.amazonaws.com",
    doc: "Amazon SES v2 base URL.",
  }),
  TWILIO_API_BASE: variable(urlOf("http:", "https:"), {
    shownDefault: "https://api.twilio.com",
    doc: "Twilio API base URL.",
  }),
  MESSAGEBIRD_API_BASE: variable(urlOf("http:", "https:"), {
    shownDefault: "https://rest.messagebird.com",
    doc: "MessageBird REST API base URL.",
  }),
  TRUSTED_ORIGINS: variable(
    list(
      z
        .string()
        .regex(/^https?:\/\/[^/]+$/, { error: "each entry must be an origin like https://app.example.com" }),
    ),
    { shownDefault: "none", doc: "Comma-separated origins allowed by CORS and the session Origin check." },
  ),
  LOG_LEVEL: variable(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }), {
    fallback: "info",
    doc: "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.",
  }),
  BODY_LIMIT_BYTES: variable(integer(1024, 512 * 1024 * 1024), {
    fallback: String(16 * 1024 * 1024),
    doc: "Largest accepted JSON body; larger bodies get 413.",
  }),
  UPLOAD_LIMIT_BYTES: variable(integer(1024, 10 * 1024 * 1024 * 1024), {
    fallback: String(100 * 1024 * 1024),
    doc: "Largest file upload; larger files get 413.",
  }),
  RATE_LIMIT_MAX: variable(integer(1, 10_000_000), {
    fallback: "1000",
    doc: "Requests per window per API key (else per client IP).",
  }),
  RATE_LIMIT_WINDOW_MS: variable(integer(1000, 24 * 60 * 60 * 1000), {
    fallback: String(15 * 60 * 1000),
    doc: "Rate-limit window (15 minutes).",
  }),
  CONTACT_RATE_LIMIT_MAX: variable(integer(1, 10_000), {
    fallback: "5",
    doc: "Contact-form messages per window per IP.",
  }),
  CONTACT_RATE_LIMIT_WINDOW_MS: variable(integer(1000, 24 * 60 * 60 * 1000), {
    fallback: String(60 * 60 * 1000),
    doc: "Contact-form window (1 hour).",
  }),
  SMTP_URL: variable(urlOf("smtp:", "smtps:"), {
    shownDefault: "unset: outbox table + log",
    doc: "`smtp(s)://user:pass@host:port` for outgoing mail.",
  }),
  SUPPORT_EMAIL: variable(text(), {
    fallback: "support@segmento.app",
    doc: "Where contact messages are delivered.",
  }),
  MAIL_FROM: variable(text(), {
    fallback: "Segmento <no-reply@segmento.app>",
    doc: "Sender of outgoing mail.",
  }),
  SEGMENTO_VALIDATE_RESPONSES: variable(z.enum(["true", "false"], { error: "must be true or false" }), {
    fallback: "false",
    doc: "`true`: check every response against the contract (tests do).",
  }),
  FILE_STORE_DIR: variable(text(), {
    shownDefault: "$SEGMENTO_DATA_DIR/files",
    doc: "Where uploaded files are kept (a shared volume when workers run on other machines).",
  }),
  PROGRESS_TTL_SECONDS: variable(integer(1, 7 * 24 * 3600), {
    fallback: "3600",
    doc: "How long live progress is kept after a job's last update.",
  }),
  SEGMENTATION_DEBOUNCE_MS: variable(integer(0, 24 * 3600 * 1000), {
    fallback: "5000",
    doc: "Quiet time after a project's last ingest batch before its segmentation starts.",
  }),
  WORKER_CONCURRENCY: variable(integer(1, 64), {
    fallback: "2",
    doc: "Jobs a worker process runs at once, per job type.",
  }),
  ENGINE_THREADS: variable(integer(0, 64), {
    fallback: "1",
    doc: "Worker threads for the Engine's model fits (0: on the main thread).",
  }),
  MODEL_SAMPLE_CUSTOMERS: variable(integer(100, 10_000_000), {
    fallback: "50000",
    doc: "Customers the predictive models learn from: a seeded sample of a larger project, so a fit costs the same at any size (every customer is scored).",
  }),
  FULL_RUN_INTERVAL_HOURS: variable(integer(0, 24 * 366), {
    fallback: "24",
    doc: "An ingest run refits every model (re-clustering included) once the last full run is this old; younger, it only re-scores the changed customers against the stored models (0: every run is full).",
  }),
  FULL_RUN_DRIFT_PERCENT: variable(integer(0, 100), {
    fallback: "10",
    doc: "An ingest run refits every model once the customers changed since the last full run exceed this share of the customers it was fitted on (0: every run is full).",
  }),
  WORKER_LOCK_MS: variable(integer(1000, 10 * 60 * 1000), {
    fallback: "30000",
    doc: "How long a worker holds a job before another may take it over after a crash.",
  }),
  SSE_HEARTBEAT_MS: variable(integer(100, 10 * 60 * 1000), {
    fallback: "15000",
    doc: "Interval of the SSE heartbeat that keeps proxies from closing a quiet stream.",
  }),
  DOCS_SITE_DIR: variable(text(), {
    shownDefault: "docs-site/.vitepress/dist",
    doc: "The built documentation site, served at `/docs`.",
  }),
  DASHBOARD_DIR: variable(text(), {
    shownDefault: "examples/dashboard/dist",
    doc: "The built dashboard, served at `/`.",
  }),
  METRICS_TOKEN: variable(
    z
      .string()
      .min(16, { error: "must be at least 16 characters (generate one with `openssl rand -hex 32`)" }),
    {
      shownDefault: "unset: metrics off",
      doc: "Bearer token for `GET /metrics` (Prometheus), >= 16 characters.",
    },
  ),
  METRICS_PORT: variable(integer(0, 65535), {
    shownDefault: "unset: none",
    doc: "`worker` processes serve `GET /metrics` on this port.",
  }),
  SHUTDOWN_TIMEOUT_MS: variable(integer(0, 60 * 60 * 1000), {
    fallback: "30000",
    doc: "On SIGTERM, how long to wait for requests and jobs in flight; then exit 1, jobs handed back.",
  }),
  STRIPE_SECRET_KEY: variable(
    z.string().regex(/^(sk|rk)_(test|live)_\w+$/, {
      error: "must be a Stripe secret key (sk_test_... or sk_live_...)",
    }),
    {
      shownDefault: "unset: free plan only",
      doc: "Stripe secret key (`sk_test_...` / `sk_live_...`); without it paid-plan operations answer 503.",
    },
  ),
  STRIPE_WEBHOOK_SECRET: variable(
    z.string().startsWith("whsec_", { error: "must be the endpoint's signing secret (whsec_...)" }),
    { shownDefault: "none", doc: "Signing secret (`whsec_...`) of the `POST /api/stripe/webhook` endpoint." },
  ),
  STRIPE_API_BASE: variable(urlOf("http:", "https:"), {
    shownDefault: "https://api.stripe.com",
    doc: "Stripe API base URL (tests point it at a local Stripe).",
  }),
  ...STRIPE_PRICE_SCHEMA,
} satisfies Record<string, Variable<unknown>>;

type Schema = typeof ENVIRONMENT_SCHEMA;
type Parsed = { [K in keyof Schema]: Schema[K] extends Variable<infer T> ? T | undefined : never };

/** Parses every declared variable, collecting every problem (name, what it got, what it wants) before failing. */
function parseEnvironment(env: Env): Parsed {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [name, declared] of Object.entries(ENVIRONMENT_SCHEMA) as [string, Variable<unknown>][]) {
    const given = env[name]?.trim();
    const raw = given === undefined || given === "" ? declared.fallback : given;
    if (raw === undefined) continue;
    const result = declared.schema.safeParse(raw);
    if (result.success) parsed[name] = result.data;
    else {
      const secret = /SECRET|KEY|TOKEN/.test(name);
      const what = [...new Set(result.error.issues.map((issue) => issue.message))].join("; ");
      problems.push(`${name} ${what}${secret ? "" : ` (got "${raw}")`}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed as Parsed;
}

/** Everything the server reads from the environment, parsed and checked once at start. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const e = parseEnvironment(env);
  const port = e.PORT ?? 3001;
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${port}`;
  const dataDir = path.resolve(e.SEGMENTO_DATA_DIR ?? ".segmento");
  const providerBaseUrls: Config["providerBaseUrls"] = {};
  if (e.SENDGRID_API_BASE) providerBaseUrls.sendgrid = e.SENDGRID_API_BASE;
  if (e.MAILCHIMP_API_BASE) providerBaseUrls.mailchimp = e.MAILCHIMP_API_BASE;
  if (e.SES_API_BASE) providerBaseUrls.amazon_ses = e.SES_API_BASE;
  if (e.TWILIO_API_BASE) providerBaseUrls.twilio = e.TWILIO_API_BASE;
  if (e.MESSAGEBIRD_API_BASE) providerBaseUrls.messagebird = e.MESSAGEBIRD_API_BASE;
  return {
    port,
    host: e.HOST ?? "127.0.0.1",
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX ?? "segmento",
    dataDir,
    authSecret: e.BETTER_AUTH_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    webhookAllowHosts: e.WEBHOOK_ALLOW_HOSTS ?? [],
    providerBaseUrls,
    trustedOrigins: [...new Set([new URL(publicUrl).origin, ...(e.TRUSTED_ORIGINS ?? [])])],
    logLevel: e.LOG_LEVEL ?? "info",
    bodyLimitBytes: e.BODY_LIMIT_BYTES ?? 16 * 1024 * 1024,
    rateLimit: { max: e.RATE_LIMIT_MAX ?? 1000, windowMs: e.RATE_LIMIT_WINDOW_MS ?? 900_000 },
    contactRateLimit: {
      max: e.CONTACT_RATE_LIMIT_MAX ?? 5,
      windowMs: e.CONTACT_RATE_LIMIT_WINDOW_MS ?? 3_600_000,
    },
    smtpUrl: e.SMTP_URL,
    supportEmail: e.SUPPORT_EMAIL ?? "support@segmento.app",
    mailFrom: e.MAIL_FROM ?? "Segmento <no-reply@segmento.app>",
    validateResponses: e.SEGMENTO_VALIDATE_RESPONSES === "true",
    fileStoreDir: path.resolve(e.FILE_STORE_DIR ?? path.join(dataDir, "files")),
    uploadLimitBytes: e.UPLOAD_LIMIT_BYTES ?? 100 * 1024 * 1024,
    progressTtlSeconds: e.PROGRESS_TTL_SECONDS ?? 3600,
    segmentationDebounceMs: e.SEGMENTATION_DEBOUNCE_MS ?? 5000,
    workerConcurrency: e.WORKER_CONCURRENCY ?? 2,
    engineThreads: e.ENGINE_THREADS ?? 1,
    modelSampleCustomers: e.MODEL_SAMPLE_CUSTOMERS ?? 50_000,
    fullRun: {
      intervalHours: e.FULL_RUN_INTERVAL_HOURS ?? 24,
      driftPercent: e.FULL_RUN_DRIFT_PERCENT ?? 10,
    },
    workerLockMs: e.WORKER_LOCK_MS ?? 30_000,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS ?? 15_000,
    docsSiteDir: path.resolve(e.DOCS_SITE_DIR ?? path.join(REPO_ROOT, "docs-site/.vitepress/dist")),
    dashboardDir: path.resolve(e.DASHBOARD_DIR ?? path.join(REPO_ROOT, "examples/dashboard/dist")),
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 30_000,
    stripe: e.STRIPE_SECRET_KEY
      ? {
          secretKey: e.STRIPE_SECRET_KEY,
          webhookSecret: e.STRIPE_WEBHOOK_SECRET,
          apiBase: e.STRIPE_API_BASE,
          prices: stripePrices(e),
        }
      : undefined,
    ...overrides,
  };
}

/** The configured price of every paid plan and interval, by the catalogue's price variables. */
function stripePrices(e: Parsed): StripePrices {
  const prices = {} as StripePrices;
  for (const { plan, interval, variable: name } of STRIPE_PRICES) {
    prices[plan] = { ...prices[plan], [interval]: e[name] };
  }
  return prices;
}

/** The declared variables as rows (name, default as shown, what it does): `--help` and README's table. */
export const ENVIRONMENT = (Object.entries(ENVIRONMENT_SCHEMA) as [string, Variable<unknown>][]).map(
  ([name, declared]) => ({
    name,
    shownDefault: declared.shownDefault ?? declared.fallback ?? "",
    doc: declared.doc,
  }),
);

/** README's Environment table, written by `npm run docs:env` and checked by the config test. */
export function environmentTable(): string {
  const cell = (value: string) => value.replaceAll("|", "\\|");
  const rows = ENVIRONMENT.map(({ name, shownDefault, doc }) => [
    `\`${name}\``,
    /^unset|^generated|^none$/.test(shownDefault) ? shownDefault : `\`${shownDefault}\``,
    doc,
  ]);
  const header = ["variable", "default", "what it does"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => cell(r[i]!).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => cell(c).padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}
