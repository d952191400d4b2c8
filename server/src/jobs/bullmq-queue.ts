import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { JobType } from "../db/jobs.js";
import { DependencyUnavailableError } from "../domain/errors.js";
import {
  type EnqueueOptions,
  JOB_TYPES,
  type JobData,
  type JobHandler,
  type JobQueue,
  MAX_ATTEMPTS,
} from "./queue.js";

export interface BullOptions {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  concurrency: number;
  /** How long a worker holds a job before others may take it over (stalled-job recovery). */
  lockDurationMs: number;
}

/** One BullMQ queue per job type, named after it, under the deployment's Redis prefix. */
export class BullJobQueue implements JobQueue {
  readonly kind = "bullmq";
  private readonly connection: Redis;
  private readonly queues = new Map<JobType, Queue>();
  private readonly workers: Worker[] = [];

  constructor(private readonly options: BullOptions) {
    // The producer fails fast while Redis is away (the API answers 503); workers, below, wait and retry.
    this.connection = new Redis(options.redisUrl, { enableOfflineQueue: false });
    this.connection.on("error", (error: Error) =>
      options.logger.error({ reason: error.message }, "bullmq redis error"),
    );
  }

  private queue(type: JobType): Queue {
    let queue = this.queues.get(type);
    if (!queue) {
      queue = new Queue(type, { connection: this.connection, prefix: this.options.prefix });
      this.queues.set(type, queue);
    }
    return queue;
  }

  async enqueue(type: JobType, jobId: string, data: JobData, options: EnqueueOptions = {}): Promise<string> {
    const delay = options.delayMs ?? 0;
    if (this.connection.status !== "ready") throw new DependencyUnavailableError("redis");
    const job = await this.queue(type).add(type, data, {
      jobId,
      delay,
      attempts: MAX_ATTEMPTS,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
      // Debounce: while the job waits, each new one pushes its start back and keeps its id (returned below);
      // while it runs, the newest is kept and runs after it, so late data is never left out.
      ...(options.debounceKey
        ? { deduplication: { id: options.debounceKey, reschedule: true, keepLastIfActive: true } }
        : {}),
    });
    return job.id ?? jobId;
  }

  async startWorkers(handler: JobHandler): Promise<void> {
    for (const type of JOB_TYPES) {
      const worker = new Worker(
        type,
        async (job) =>
          handler({
            id: job.id ?? "",
            type,
            data: job.data as JobData,
            attempt: job.attemptsMade + 1,
            maxAttempts: job.opts.attempts ?? MAX_ATTEMPTS,
          }),
        {
          connection: new Redis(this.options.redisUrl, { maxRetriesPerRequest: null }),
          prefix: this.options.prefix,
          concurrency: this.options.concurrency,
          lockDuration: this.options.lockDurationMs,
          stalledInterval: Math.max(1000, Math.floor(this.options.lockDurationMs / 2)),
          // A job whose worker died is retried; only a job that keeps killing workers is given up.
          maxStalledCount: 5,
        },
      );
      worker.on("error", (error) => this.options.logger.error({ err: error, queue: type }, "worker error"));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
