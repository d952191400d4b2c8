import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Logger } from "pino";
import { findJob, findUnenqueuedJobs, insertJob, type JobRow, markEnqueued } from "../db/jobs.js";
import { organizationOfProject } from "../db/projects.js";
import { linkJob, type Stage } from "../db/runs.js";
import type { JobPayload, JobType } from "../jobs/registry.js";
import type { JobQueue } from "./queue.js";

/** What the scheduler needs to know of each job type (the job registry provides it). */
export type JobCatalogue = Record<
  string,
  {
    payload: { parse(input: unknown): unknown };
    projectOf(payload: never): string;
    stage?: Stage;
    maxAttempts: number;
  }
>;

export interface JobRequest<T extends JobType> {
  type: T;
  /** The job's id, when the caller must know it before recording (e.g. to point a file at it). */
  id?: string;
  payload: JobPayload<T>;
  /** The pipeline runs this job is a stage of. */
  runIds?: string[];
  fileId?: string;
  /**
   * Start no earlier than this many ms from now. With `debounce`, the job joins the queued job of the same type
   * and project if there is one, and moves its start to now + delayMs (a burst of batches, one segmentation).
   */
  delayMs?: number;
  debounce?: boolean;
}

/**
 * The one way a job comes to exist. `record` writes the job's row in the caller's transaction (so the job
 * exists exactly when whatever caused it was committed) and hands it to the queue once that transaction has
 * committed. If the queue cannot take it then (Redis away, the process dies), the row stays without
 * `enqueued_at` and `relay` hands it over later; handing a job over twice is harmless (the queue keys entries
 * by job id, and the runner skips a settled job).
 */
export class JobScheduler {
  constructor(
    private readonly db: Knex,
    private readonly queue: JobQueue,
    private readonly catalogue: JobCatalogue,
    private readonly logger: Logger,
  ) {}

  /** Records a job in `trx` (or on its own) and returns the id that will run (a debounced job's may be older). */
  async record<T extends JobType>(trx: Knex, request: JobRequest<T>): Promise<string> {
    const definition = this.catalogue[request.type];
    if (!definition) throw new Error(`"${request.type}" is not a job type`);
    const payload = definition.payload.parse(request.payload) as JobPayload<T>;
    const projectId = definition.projectOf(payload as never);
    const organizationId = await organizationOfProject(trx, projectId);
    if (!organizationId)
      throw new Error(`cannot record a ${request.type} job: project ${projectId} does not exist`);
    const { id } = await insertJob(trx, {
      id: request.id ?? randomUUID(),
      organizationId,
      projectId,
      type: request.type,
      data: payload as Record<string, unknown>,
      fileId: request.fileId,
      runAfter: request.delayMs ? new Date(Date.now() + request.delayMs) : undefined,
      debounceKey: request.debounce ? `${request.type}:${projectId}` : undefined,
    });
    if (definition.stage) await linkJob(trx, request.runIds ?? [], id, definition.stage);
    const committed = isTransaction(trx) ? trx.executionPromise : Promise.resolve();
    committed.then(
      () => this.handOver(id),
      () => {}, // rolled back: the job never existed
    );
    return id;
  }

  /** Records a job in a transaction of its own. */
  enqueue<T extends JobType>(request: JobRequest<T>): Promise<string> {
    return this.db.transaction((trx) => this.record(trx, request));
  }

  /** Gives a recorded job to the queue (with what is left of its delay) and notes that it did. */
  async handOver(jobId: string): Promise<void> {
    try {
      const job = await findJob(this.db, jobId);
      if (!job || job.enqueued_at) return;
      await this.queue.enqueue(job.type, job.id, this.entryOptions(job));
      await markEnqueued(this.db, job.id);
    } catch (error) {
      this.logger.warn(
        { err: error, jobId },
        "job recorded but not handed to the queue yet; the relay will retry",
      );
    }
  }

  /** How the queue should hold a job: what is left of its delay, and its attempts. */
  entryOptions(job: Pick<JobRow, "type" | "run_after">) {
    return {
      delayMs: job.run_after ? Math.max(0, job.run_after.getTime() - Date.now()) : 0,
      maxAttempts: this.catalogue[job.type]?.maxAttempts ?? 1,
    };
  }

  /** Gives a job to the queue again, whatever it was told before (an in-process queue after a restart). */
  async requeue(job: JobRow): Promise<void> {
    await this.queue.enqueue(job.type, job.id, this.entryOptions(job));
  }

  /** Hands over every recorded job the queue has not taken for `olderThanMs`; returns how many. */
  async relay(olderThanMs: number): Promise<number> {
    const waiting = await findUnenqueuedJobs(this.db, olderThanMs);
    for (const job of waiting) await this.handOver(job.id);
    if (waiting.length > 0) this.logger.info({ jobs: waiting.length }, "relayed recorded jobs to the queue");
    return waiting.length;
  }
}

function isTransaction(db: Knex): db is Knex.Transaction {
  return (db as { isTransaction?: boolean }).isTransaction === true;
}
