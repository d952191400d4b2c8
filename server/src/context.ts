import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { type Auth, type AuthSettings, authOptions, createAuth } from "./auth/better-auth.js";
import { createStripeBilling, type StripeBilling } from "./billing/stripe.js";
import { type Config, ConfigError } from "./config.js";
import { type Database, openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { sendInvitationMail } from "./domain/organizations/send-invitation-mail.js";
import type { EngineRunner } from "./domain/pipeline/engine.js";
import { Contract } from "./http/contract.js";
import { EngineThreads, InlineEngine } from "./jobs/engine-threads.js";
import { JOBS } from "./jobs/registry.js";
import { createLogger } from "./logger.js";
import { Mailer } from "./mail/mailer.js";
import { BullJobQueue } from "./queue/bullmq-queue.js";
import { InProcessJobQueue } from "./queue/in-process-queue.js";
import { MemoryProgressStore, type ProgressStore, RedisProgressStore } from "./queue/progress.js";
import type { JobQueue } from "./queue/queue.js";
import { RateGate } from "./queue/rate-gate.js";
import { JobScheduler } from "./queue/scheduler.js";
import { SecretBox } from "./security/secret-box.js";
import { type FileStore, LocalFileStore } from "./storage/file-store.js";

/** Everything a request or a job may need, built once per process and passed down explicitly. */
export interface AppContext {
  config: Config;
  logger: Logger;
  db: Database;
  auth: Auth;
  redis: Redis | undefined;
  contract: Contract;
  mailer: Mailer;
  queue: JobQueue;
  /** Records jobs (in the caller's transaction) and hands them to the queue. */
  jobs: JobScheduler;
  /** Where the Engine's CPU-heavy tasks run (worker threads, off the API's event loop). */
  engine: EngineRunner;
  progress: ProgressStore;
  files: FileStore;
  /** Encrypts credentials at rest. */
  secrets: SecretBox;
  /** Stripe billing; undefined without STRIPE_SECRET_KEY (free plan only). */
  stripe: StripeBilling | undefined;
  /** Per-second limits shared by every process (provider rate limits). */
  rateGate: RateGate;
  version: string;
  /** Responses that did not match the contract (only collected when config.validateResponses is on). */
  contractViolations: string[];
  migrate(): Promise<{ applied: string[] }>;
  close(): Promise<void>;
}

export const VERSION = "0.1.0";

export async function createContext(
  config: Config,
  options: { logger?: Logger; contract?: Contract; inMemoryDatabase?: boolean } = {},
): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config);
  const secret = await sharedSecret(config, config.authSecret, "BETTER_AUTH_SECRET", "auth-secret");
  const encryptionKey = await sharedSecret(config, config.encryptionKey, "ENCRYPTION_KEY", "encryption-key");
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    inMemory: options.inMemoryDatabase,
  });
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const mailer = new Mailer(db.knex, logger, { smtpUrl: config.smtpUrl, from: config.mailFrom });
  const settings: AuthSettings = {
    pool: db.pool,
    secret,
    baseUrl: config.publicUrl,
    trustedOrigins: config.trustedOrigins,
    logger,
    sendInvitation: (invitation) => sendInvitationMail(mailer, config.publicUrl, invitation),
  };
  const queue: JobQueue = config.redisUrl
    ? new BullJobQueue({
        redisUrl: config.redisUrl,
        prefix: config.redisPrefix,
        logger,
        concurrency: config.workerConcurrency,
        lockDurationMs: config.workerLockMs,
      })
    : new InProcessJobQueue(logger);
  const engine: EngineRunner =
    config.engineThreads > 0 ? new EngineThreads(config.engineThreads, logger) : new InlineEngine();
  const progress: ProgressStore = redis
    ? new RedisProgressStore(redis, config.redisPrefix, config.progressTtlSeconds)
    : new MemoryProgressStore(config.progressTtlSeconds);
  return {
    config,
    logger,
    db,
    auth: createAuth(settings),
    redis,
    contract: options.contract ?? new Contract(),
    mailer,
    queue,
    jobs: new JobScheduler(db.knex, queue, JOBS, logger),
    engine,
    progress,
    files: new LocalFileStore(config.fileStoreDir),
    secrets: new SecretBox(Buffer.from(encryptionKey, "hex")),
    stripe: createStripeBilling(config.stripe),
    rateGate: new RateGate(redis, config.redisPrefix),
    version: VERSION,
    contractViolations: [],
    migrate: () => migrate(db, authOptions(settings)),
    async close() {
      await queue.close();
      await engine.close();
      await progress.close();
      mailer.close();
      redis?.disconnect();
      await db.close();
    },
  };
}

/**
 * For the app's own Redis use (rate limits, progress): fail fast instead of queueing commands while Redis is
 * away, so a request gets a 503 naming Redis rather than hanging. BullMQ gets its own connections.
 */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  let reported = false;
  redis.on("error", (error: Error) => {
    if (!reported) logger.error({ reason: error.message }, "redis unreachable; retrying in the background");
    reported = true;
  });
  redis.on("ready", () => {
    reported = false;
  });
  // Commands fail at once while disconnected, so give the first connection a moment before serving.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}

/**
 * A secret every process must share (session signing, credential encryption): from the environment, or in
 * embedded mode generated once (32 random bytes, hex) and kept in the data directory. With a real database
 * it must be configured, since processes on other machines could not share a generated one.
 */
async function sharedSecret(
  config: Config,
  configured: string | undefined,
  name: string,
  file: string,
): Promise<string> {
  if (configured) return configured;
  if (config.databaseUrl) {
    throw new ConfigError([
      `${name} is required when DATABASE_URL is set (every process must use the same one); generate one with \`openssl rand -hex 32\``,
    ]);
  }
  const target = path.join(config.dataDir, file);
  try {
    return (await fs.readFile(target, "utf8")).trim();
  } catch {
    await fs.mkdir(config.dataDir, { recursive: true });
    await fs.writeFile(target, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" }).catch(() => {});
    return (await fs.readFile(target, "utf8")).trim();
  }
}
