import { createHash } from "node:crypto";

/** Reports how far a pipeline step is (percent of this step) and what it is doing now. */
export type Progress = (pct: number, message: string) => Promise<void>;

/** How a pipeline step ended when it did not throw. */
export type StepOutcome<R> =
  | { status: "completed"; result: R; message: string }
  /** The step did not apply (nothing to do, or a plan limit): recorded as `skipped` with the reason. */
  | { status: "skipped"; reason: string; code: string };

/** A failure that retrying cannot fix (bad input, a missing file): the step fails at once, with this reason. */
export class PermanentStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentStepError";
  }
}

/** A project's runs are reproducible: every random choice is seeded from its id. */
export const projectSeed = (projectId: string) =>
  Number.parseInt(createHash("sha256").update(projectId).digest("hex").slice(0, 8), 16);
