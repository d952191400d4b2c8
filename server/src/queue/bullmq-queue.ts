import { DelayedError, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { DependencyUnavailableError } from "../dependency-unavailable.js";
import { DeferJob, type EnqueueOptions, type JobHandler, type JobQueue } from "./queue.js";

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
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  /** The workers' own connections: BullMQ leaves connections it was given open, so close() ends them. */
  private readonly workerConnections: Redis[] = [];

  constructor(private readonly options: BullOptions) {
    // The producer fails fast while Redis is away (the API answers 503); workers, below, wait and retry.
    this.connection = new Redis(options.redisUrl, { enableOfflineQueue: false });
    this.connection.on("error", (error: Error) =>
      options.logger.error({ reason: error.message }, "bullmq redis error"),
    );
  }

  private queue(type: string): Queue {
    let queue = this.queues.get(type);
    if (!queue) {
      queue = new Queue(type, { connection: this.connection, prefix: this.options.prefix });
      this.queues.set(type, queue);
    }
    return queue;
  }

  async enqueue(type: string, jobId: string, options: EnqueueOptions): Promise<void> {
    if (this.connection.status !== "ready") throw new DependencyUnavailableError("redis");
    // The entry carries only the id: the job's row holds its payload, status and debounce.
    await this.queue(type).add(
      type,
      {},
      {
        jobId,
        delay: options.delayMs ?? 0,
        attempts: options.maxAttempts,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  async startWorkers(handler: JobHandler, types: readonly string[]): Promise<void> {
    for (const type of types) {
      const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
      this.workerConnections.push(connection);
      const worker = new Worker(
        type,
        async (job, token) => {
          try {
            await handler({
              id: job.id ?? "",
              type,
              attempt: job.attemptsMade + 1,
              maxAttempts: job.opts.attempts ?? 1,
            });
          } catch (error) {
            if (!(error instanceof DeferJob)) throw error;
            // Back to the delayed set without using up an attempt (BullMQ's documented manual delay).
            await job.moveToDelayed(error.until.getTime(), token);
            throw new DelayedError();
          }
        },
        {
          connection,
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

  /** Stops taking jobs, waits for the running ones to finish, and closes every connection. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const connection of this.workerConnections) connection.disconnect();
    this.connection.disconnect();
  }
}
