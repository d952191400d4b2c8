/** A job as a queue delivers it: which one, and which attempt this is. Its payload lives in its row. */
export interface QueuedJob {
  id: string;
  type: string;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
}

/**
 * Runs one delivery of a job. Throwing `DeferJob` asks for the same attempt again later (debounce, a busy
 * project); any other error asks for another attempt after a backoff, until the last one.
 */
export type JobHandler = (job: QueuedJob) => Promise<void>;

export interface EnqueueOptions {
  /** Start no earlier than this many ms from now. */
  delayMs?: number;
  /** Attempts before the job fails for good. */
  maxAttempts: number;
}

/**
 * Moves job ids from the scheduler to whoever runs them: BullMQ on Redis in production (any number of worker
 * processes), in-process in embedded mode. Both call the same handler the same way.
 */
export interface JobQueue {
  readonly kind: "bullmq" | "in-process";
  /** Puts a job on its type's queue; a job id already there is left as it is. */
  enqueue(type: string, jobId: string, options: EnqueueOptions): Promise<void>;
  /** Starts consuming the queues of `types`. Until called, jobs only accumulate. */
  startWorkers(handler: JobHandler, types: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Asks the queue to deliver a job again at `until` without counting an attempt (debounce, a busy project). */
export class DeferJob extends Error {
  constructor(readonly until: Date) {
    super(`deferred until ${until.toISOString()}`);
    this.name = "DeferJob";
  }
}

/** Backoff before retry n (1-based): 1 s, 2 s, 4 s... */
export const retryDelayMs = (attempt: number) => 1000 * 2 ** (attempt - 1);
