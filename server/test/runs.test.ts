import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inPipelineOrder } from "../src/domain/pipeline/runs.js";
import { syntheticShop } from "../src/synthetic/shop.js";
import {
  createTenant,
  request,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForRun,
} from "./helpers/test-server.js";

/**
 * Pipeline runs through the API: one id follows a batch through ingest, segmentation, predictive and action;
 * several batches sent as one run spend one segmentation; a run skipped for the plan's model runs says so.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 200 });
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

async function send(t: Tenant, records: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return server.request("/api/v1/ingest", {
    body: { project_id: t.projectId, records, ...extra },
    headers: { authorization: `Bearer ${t.apiKey}` },
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

describe("a pipeline run", () => {
  it("follows one batch through every stage, with typed results, and streams them as one SSE stream", async () => {
    const t = await createTenant(server, "Runner");
    const accepted = await send(t, syntheticShop({ customers: 120, seed: 3, campaign: null }));
    expect(accepted.status).toBe(202);
    expect(accepted.body.run_id).toMatch(/^[0-9a-f-]{36}$/);
    const stream = await request(server.url, `/api/engine/runs/${accepted.body.run_id}/stream`, {
      cookie: t.cookie,
    });
    const run = await waitForRun(server, t, accepted.body.run_id);
    expect(run).toMatchObject({
      status: "completed",
      pct: 100,
      trigger: "ingest",
      skip_code: null,
      open: false,
    });
    expect(run.stages.map((s: { stage: string }) => s.stage)).toEqual([
      "ingest",
      "segmentation",
      "predictive",
      "action",
    ]);
    const [ingest, segmentation, predictive] = run.stages;
    expect(ingest.job_id).toBe(accepted.body.job_id);
    expect(ingest.result).toMatchObject({ file_id: accepted.body.file_id, customers: 120 });
    expect(segmentation.result.k).toBeGreaterThanOrEqual(1);
    expect(typeof predictive.result.churn_model).toBe("string");
    for (const stage of run.stages) expect(stage.duration_ms).toBeGreaterThanOrEqual(0);

    // The stream covered all four stages with increasing ids, and ended with the run's final event.
    const events = stream.text
      .split("\n\n")
      .filter((frame) => frame.includes("event: progress"))
      .map((frame) => ({
        id: Number(/^id: (\d+)$/m.exec(frame)?.[1]),
        data: JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? "{}"),
      }));
    expect(new Set(events.map((e) => e.data.stage))).toEqual(
      new Set(["ingest", "segmentation", "predictive", "action"]),
    );
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    expect(events.at(-1)?.data).toMatchObject({ status: "completed", pct: 100 });
    for (let i = 1; i < events.length; i++) expect(events[i]!.data.pct).toBeGreaterThanOrEqual(0);

    // Resumed after an event, the stream sends only what came after it.
    const middle = events[Math.floor(events.length / 2)]!;
    const resumed = await request(server.url, `/api/engine/runs/${accepted.body.run_id}/stream`, {
      cookie: t.cookie,
      headers: { "last-event-id": String(middle.id) },
    });
    const resumedIds = [...resumed.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(resumedIds[0]).toBe(middle.id + 1);

    const listed = await server.request(`/api/engine/projects/${t.projectId}/runs`, {
      headers: { authorization: `Bearer ${t.apiKey}` },
    });
    expect(listed.body).toMatchObject({ total: 1, page: 1, pages: 1 });
    expect(listed.body.runs[0].run_id).toBe(accepted.body.run_id);
  });

  it("takes several batches as one run (final: false, then run_id) and segments once, after the last", async () => {
    const t = await createTenant(server, "Batches");
    const parts = chunks(syntheticShop({ customers: 150, seed: 4, campaign: null }), 250);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const first = await send(t, parts[0]!, { final: false });
    expect(first.status).toBe(202);
    const runId = first.body.run_id;
    for (const part of parts.slice(1, -1)) {
      const more = await send(t, part, { run_id: runId, final: false });
      expect(more.body.run_id).toBe(runId);
    }
    // While the run is open its stored batches wait: no segmentation starts, whatever the debounce.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const open = await server.request(`/api/engine/runs/${runId}`, { cookie: t.cookie });
    expect(open.body.open).toBe(true);
    expect(open.body.stages.every((s: { stage: string }) => s.stage === "ingest")).toBe(true);

    const last = await send(t, parts.at(-1)!, { run_id: runId });
    expect(last.body.run_id).toBe(runId);
    const run = await waitForRun(server, t, runId);
    expect(run.status).toBe("completed");
    const stages = run.stages.map((s: { stage: string }) => s.stage);
    expect(stages.filter((s: string) => s === "ingest")).toHaveLength(parts.length);
    expect(stages.filter((s: string) => s === "segmentation")).toHaveLength(1);
    const segmentation = run.stages.find((s: { stage: string }) => s.stage === "segmentation");
    expect(segmentation.result.customers).toBe(150);
    const modelRuns = await server.app.db
      .knex("model_runs")
      .where({ project_id: t.projectId, kind: "segmentation" });
    expect(modelRuns).toHaveLength(1);

    // A closed run takes no more batches; an unknown one is not found. Nothing of either batch is stored.
    const files = await server.app.db
      .knex("files")
      .where({ project_id: t.projectId })
      .count("* as n")
      .first();
    const closed = await send(t, parts[0]!, { run_id: runId });
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ code: "conflict" });
    expect(closed.body.error).toContain("closed");
    const unknown = await send(t, parts[0]!, { run_id: "00000000-0000-4000-8000-000000000000" });
    expect(unknown.status).toBe(404);
    const after = await server.app.db
      .knex("files")
      .where({ project_id: t.projectId })
      .count("* as n")
      .first();
    expect(after).toEqual(files);
  });

  it("ends skipped, loudly, when the plan's model runs are used up: the data is stored, not scored", async () => {
    const t = await createTenant(server, "Spent");
    // This month's five model runs of the free plan, already used.
    await server.app.db.knex("model_runs").insert(
      Array.from({ length: 5 }, () => ({
        project_id: t.projectId,
        organization_id: t.orgId,
        kind: "segmentation",
        parameters: "{}",
        metrics: "{}",
        durations_ms: "{}",
        data_size: "{}",
      })),
    );
    const accepted = await send(t, syntheticShop({ customers: 30, seed: 5, campaign: null }));
    const run = await waitForRun(server, t, accepted.body.run_id);
    expect(run).toMatchObject({ status: "skipped", skip_code: "quota_exceeded" });
    expect(run.message).toMatch(/Segmentation skipped: .*5 model runs/);
    expect(run.stages.map((s: { stage: string; status: string }) => [s.stage, s.status])).toEqual([
      ["ingest", "completed"],
      ["segmentation", "skipped"],
    ]);
    const job = await server.request(`/api/engine/jobs/${run.stages[1].job_id}/status`, { cookie: t.cookie });
    expect(job.body).toMatchObject({ type: "segmentation", status: "skipped", skip_code: "quota_exceeded" });
    const stream = await request(server.url, `/api/engine/runs/${accepted.body.run_id}/stream`, {
      cookie: t.cookie,
    });
    expect(stream.text).toMatch(/"status":"skipped".*"skip_code":"quota_exceeded"/);
  });

  it("lists a run's stages in pipeline order, also when it joined a segmentation queued before its ingest job", () => {
    // Batch B arrived within the debounce window after batch A's ingest had queued the segmentation: by creation
    // time B's run holds segmentation first. Readers (and the docs) take stages[0] for ingest.
    const byCreation = [
      { stage: "segmentation", id: "seg" },
      { stage: "ingest", id: "ingest-b" },
      { stage: "ingest", id: "ingest-c" },
      { stage: "action", id: "action" },
      { stage: "predictive", id: "predictive" },
    ] as const;
    expect(inPipelineOrder(byCreation).map((j) => j.id)).toEqual([
      "ingest-b",
      "ingest-c",
      "seg",
      "predictive",
      "action",
    ]);
  });
});
