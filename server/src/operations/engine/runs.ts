import type { Knex } from "knex";
import { countRuns, findRun, jobsOfRun, listRuns as listRunRows, type RunRow } from "../../db/runs.js";
import { DomainError, notFound } from "../../domain/errors.js";
import { requireProject, requireProjectOf } from "../../domain/organizations/access.js";
import { inPipelineOrder, type RunJob, runState } from "../../domain/pipeline/runs.js";
import type { Principal } from "../../domain/principal.js";
import { defineOperation } from "../../http/operation.js";
import { streamTopic } from "../../http/sse.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const FINAL = new Set(["completed", "failed", "skipped"]);

/** A run with its stages as the contract shows it; each stage's `result` has the shape of its stage. */
function presentRun(run: RunRow, jobs: RunJob[]) {
  const state = runState(run, jobs);
  return {
    run_id: run.id,
    project_id: run.project_id,
    trigger: run.trigger,
    status: state.status,
    pct: state.pct,
    message: state.message,
    skip_code: state.skipCode,
    open: run.open,
    stages: inPipelineOrder(jobs).map((job) => ({
      stage: job.stage,
      job_id: job.id,
      status: job.status,
      pct: job.status === "completed" ? 100 : job.pct,
      message: job.message,
      attempts: job.attempts,
      error_message: job.error_message,
      skip_code: job.skip_code,
      started_at: iso(job.started_at),
      finished_at: iso(job.finished_at),
      duration_ms:
        job.started_at && job.finished_at
          ? Math.max(0, job.finished_at.getTime() - job.started_at.getTime())
          : null,
      result: job.result as never,
    })),
    created_at: run.created_at.toISOString(),
    updated_at: run.updated_at.toISOString(),
    finished_at: iso(run.finished_at),
  };
}

async function requireRun(db: Knex, principal: Principal, runId: string): Promise<RunRow> {
  const run = await findRun(db, runId);
  if (!run) throw notFound("Run", runId);
  await requireProjectOf(db, principal, run.project_id, "Run", runId);
  return run;
}

export const listRuns = defineOperation("listRuns", async ({ app, principal, params, query }) => {
  const db = app.db.knex;
  const { project } = await requireProject(db, principal, params.projectId);
  const limit = query.limit ?? 50;
  const page = query.page ?? 1;
  const [rows, total] = await Promise.all([
    listRunRows(db, project.id, { limit, offset: (page - 1) * limit }),
    countRuns(db, project.id),
  ]);
  const runs = [];
  for (const run of rows) runs.push(presentRun(run, await jobsOfRun(db, run.id)));
  return { status: 200, body: { runs, total, page, pages: Math.ceil(total / limit) } };
});

export const getRun = defineOperation("getRun", async ({ app, principal, params }) => {
  const db = app.db.knex;
  const run = await requireRun(db, principal, params.runId);
  return { status: 200, body: presentRun(run, await jobsOfRun(db, run.id)) };
});

export const getRunProgress = defineOperation("getRunProgress", async ({ app, principal, params }) => {
  const run = await requireRun(app.db.knex, principal, params.runId);
  const latest = await app.progress.latest(`run:${run.id}`);
  if (!latest) throw new DomainError("not_found", "not_found", "run_progress_expired", { id: run.id });
  return { status: 200, body: latest.data as never };
});

export const streamRun = defineOperation("streamRun", async ({ app, principal, params, req, res }) => {
  const db = app.db.knex;
  const run = await requireRun(db, principal, params.runId);
  await streamTopic(app, req, res, `run:${run.id}`, {
    isLast: (event) => FINAL.has((event.data as { status: string }).status),
    // A run that finished before its live progress expired: its final state, from the database.
    whenQuiet: async () => {
      const jobs = await jobsOfRun(db, run.id);
      const view = presentRun(run, jobs);
      return FINAL.has(view.status) ? { event: "run", data: view } : undefined;
    },
  });
  return undefined;
});
