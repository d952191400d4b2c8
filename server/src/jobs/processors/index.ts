import type { AppContext } from "../../context.js";
import type { JobType } from "../../db/jobs.js";
import type { JobContext } from "../queue.js";
import { refreshSegments } from "./action.js";
import { runAutomation } from "./automation-run.js";
import { ingestFile } from "./ingest.js";
import { predictProject } from "./predictive.js";
import { segmentProject } from "./segmentation.js";

export interface StageOutcome {
  result: Record<string, unknown>;
  /** Set when the stage did not run, with the reason (recorded as status `skipped`). */
  skipped?: string;
  message?: string;
}

export type Report = (pct: number, message: string) => Promise<void>;

export interface Processor {
  (ctx: JobContext, app: AppContext, report: Report): Promise<StageOutcome>;
  /** Called once when the job has failed for good. */
  onFailure?: (ctx: JobContext, app: AppContext, reason: string) => Promise<void>;
}

export const PROCESSORS: Record<JobType, Processor> = {
  ingest: ingestFile,
  segmentation: segmentProject,
  predictive: predictProject,
  action: refreshSegments,
  automation_run: runAutomation,
};
