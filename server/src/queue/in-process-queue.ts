import type { Logger } from "pino";
import { DeferJob, type EnqueueOptions, type JobHandler, type JobQueue, retryDelayMs } from "./queue.js";

interface Pending {
  id: string;
  type: string;
  attempt: number;
  maxAttempts: number;
}

/**
 * The embedded default's runner: jobs run in this process, one at a time per type, with the same attempts,
 * backoff and deferrals as BullMQ, calling the same handler. Nothing survives a restart; the jobs table does,
 * and unsettled jobs are handed over again at start.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = "in-process";
  private handler: JobHandler | undefined;
  /** Every job id this queue holds (waiting, delayed or running): a second enqueue of one is a no-op. */
  private readonly known = new Set<string>();
  private readonly ready: Pending[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly busyTypes = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  async enqueue(type: string, jobId: string, options: EnqueueOptions): Promise<void> {
    if (this.known.has(jobId) || this.closed) return;
    this.known.add(jobId);
    const pending = { id: jobId, type, attempt: 1, maxAttempts: options.maxAttempts };
    this.later(options.delayMs ?? 0, () => this.push(pending));
  }

  /** Runs every type it is given (`types` matters to BullMQ, which has a queue per type). */
  async startWorkers(handler: JobHandler, _types: readonly string[]): Promise<void> {
    this.handler = handler;
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private later(ms: number, fn: () => void) {
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private push(pending: Pending) {
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
    const { maxAttempts } = pending;
    const run = this.handler({ id: pending.id, type: pending.type, attempt: pending.attempt, maxAttempts })
      .then(() => {
        this.known.delete(pending.id);
      })
      .catch((error: unknown) => {
        if (this.closed) return;
        if (error instanceof DeferJob) {
          this.later(error.until.getTime() - Date.now(), () => this.push(pending));
        } else if (pending.attempt < maxAttempts) {
          this.logger.warn(
            { jobId: pending.id, attempt: pending.attempt, err: error },
            "job failed; retrying",
          );
          this.later(retryDelayMs(pending.attempt), () =>
            this.push({ ...pending, attempt: pending.attempt + 1 }),
          );
        } else {
          this.known.delete(pending.id);
          this.logger.error(
            { jobId: pending.id, attempt: pending.attempt, err: error },
            "job failed for good",
          );
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
