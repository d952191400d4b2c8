import type { Logger } from "pino";
import type { JobType } from "../db/jobs.js";
import {
  type EnqueueOptions,
  type JobData,
  type JobHandler,
  type JobQueue,
  MAX_ATTEMPTS,
  retryDelayMs,
} from "./queue.js";

interface Pending {
  id: string;
  type: JobType;
  data: JobData;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The embedded default's runner: jobs run in this process, one at a time per type, with the same attempts,
 * backoff and debounce as BullMQ, calling the same handler. Nothing survives a restart; the jobs table does,
 * and queued jobs are enqueued again at start.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = "in-process";
  private handler: JobHandler | undefined;
  private readonly debounced = new Map<string, Pending>();
  private readonly ready: Pending[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly busyTypes = new Set<JobType>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  async enqueue(type: JobType, jobId: string, data: JobData, options: EnqueueOptions = {}): Promise<string> {
    const delay = options.delayMs ?? 0;
    if (options.debounceKey) {
      const waiting = this.debounced.get(options.debounceKey);
      if (waiting) {
        clearTimeout(waiting.timer);
        waiting.data = data;
        waiting.timer = this.later(delay, () => this.release(options.debounceKey!));
        return waiting.id;
      }
      const pending: Pending = { id: jobId, type, data, timer: undefined };
      pending.timer = this.later(delay, () => this.release(options.debounceKey!));
      this.debounced.set(options.debounceKey, pending);
      return jobId;
    }
    const pending: Pending = { id: jobId, type, data, timer: undefined };
    if (delay > 0) this.later(delay, () => this.push(pending, 1));
    else this.push(pending, 1);
    return jobId;
  }

  async startWorkers(handler: JobHandler): Promise<void> {
    this.handler = handler;
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const pending of this.debounced.values()) clearTimeout(pending.timer);
    await Promise.allSettled([...this.running]);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private release(key: string) {
    const pending = this.debounced.get(key);
    if (!pending) return;
    this.debounced.delete(key);
    this.push(pending, 1);
  }

  private readonly attempts = new Map<string, number>();

  private push(pending: Pending, attempt: number) {
    this.attempts.set(pending.id, attempt);
    this.ready.push(pending);
    this.pump();
  }

  private pump() {
    if (!this.handler || this.closed) return;
    const index = this.ready.findIndex((p) => !this.busyTypes.has(p.type));
    if (index < 0) return;
    const [pending] = this.ready.splice(index, 1);
    if (!pending) return;
    this.busyTypes.add(pending.type);
    const attempt = this.attempts.get(pending.id) ?? 1;
    const run = this.handler({
      id: pending.id,
      type: pending.type,
      data: pending.data,
      attempt,
      maxAttempts: MAX_ATTEMPTS,
    })
      .then(() => {
        this.attempts.delete(pending.id);
      })
      .catch((error: unknown) => {
        if (attempt < MAX_ATTEMPTS && !this.closed) {
          this.logger.warn({ jobId: pending.id, attempt, err: error }, "job failed; retrying");
          this.later(retryDelayMs(attempt), () => this.push(pending, attempt + 1));
        } else {
          this.attempts.delete(pending.id);
          this.logger.error({ jobId: pending.id, attempt, err: error }, "job failed for good");
        }
      })
      .finally(() => {
        this.busyTypes.delete(pending.type);
        this.running.delete(run);
        this.pump();
      });
    this.running.add(run);
    this.pump();
  }
}
