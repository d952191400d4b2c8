import type { JobType } from "../db/jobs.js";

/** What a processor sees of a job, whichever runner delivers it. */
export interface JobContext {
  id: string;
  type: JobType;
  data: JobData;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
}

export interface JobData {
  projectId: string;
  fileId?: string;
  [key: string]: unknown;
}

export interface EnqueueOptions {
  delayMs?: number;
  /** Jobs with the same key collapse into one while it waits; each new one pushes the start back (debounce). */
  debounceKey?: string;
}

/** Runs one job to completion; throws to ask the runner for another attempt. */
export type JobHandler = (ctx: JobContext) => Promise<void>;

/**
 * Moves jobs from whoever enqueues them to whoever runs them. BullMQ on Redis in production (any number of
 * worker processes); in-process in embedded mode. Both call the same JobHandler with the same JobContext.
 */
export interface JobQueue {
  readonly kind: "bullmq" | "in-process";
  /** Enqueues a job under `jobId`; returns the id that will run (another one when debounced into it). */
  enqueue(type: JobType, jobId: string, data: JobData, options?: EnqueueOptions): Promise<string>;
  /** Starts consuming. Until called, jobs only accumulate. */
  startWorkers(handler: JobHandler): Promise<void>;
  close(): Promise<void>;
}

export const JOB_TYPES: JobType[] = ["ingest", "segmentation", "predictive", "action", "automation_run"];
export const MAX_ATTEMPTS = 3;
/** Backoff before retry n (1-based): 1 s, 2 s, 4 s... */
export const retryDelayMs = (attempt: number) => 1000 * 2 ** (attempt - 1);
