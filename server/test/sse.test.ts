import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTenant,
  ingest,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForJob,
} from "./helpers/test-server.js";

let server: TestServer;
let tenant: Tenant;

beforeAll(async () => {
  server = await startTestServer({ sseHeartbeatMs: 100, segmentationDebounceMs: 1500 });
  tenant = await createTenant(server, "Streamer");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

/** Enough rows for several progress events (the ingest stage reports every 20,000 rows). */
const bigBatch = (prefix: string) =>
  Array.from({ length: 10_000 }, (_, i) => ({
    customer_id: `${prefix}${i % 2000}`,
    order_date: "2026-05-01",
    amount: i % 50,
  }));

interface Frame {
  id?: string;
  event: string;
  data: string;
}

/** Reads an SSE response body to its end, splitting frames (comments kept as event ":"). */
async function readFrames(response: Response): Promise<{ frames: Frame[]; raw: string }> {
  const raw = await response.text();
  const frames = raw
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const frame: Frame = { event: "message", data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) frame.event = ":";
        else if (line.startsWith("id: ")) frame.id = line.slice(4);
        else if (line.startsWith("event: ")) frame.event = line.slice(7);
        else if (line.startsWith("data: ")) frame.data += line.slice(6);
      }
      return frame;
    });
  return { frames, raw };
}

const streamUrl = (jobId: string) => `${server.url}/api/engine/jobs/${jobId}/progress/stream`;

describe("GET /api/engine/jobs/{jobId}/progress/stream", () => {
  it("an EventSource client sees increasing progress and the terminal event", async () => {
    const accepted = await server.request("/api/v1/ingest", {
      body: { project_id: tenant.projectId, records: bigBatch("es") },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    const events: { id: string; pct: number; status: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const source = new EventSource(streamUrl(accepted.body.job_id), {
        fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, cookie: tenant.cookie } }),
      });
      source.addEventListener("progress", (event) => {
        const progress = JSON.parse(event.data);
        events.push({ id: event.lastEventId, pct: progress.pct, status: progress.status });
        if (progress.status === "completed" || progress.status === "failed") {
          source.close();
          resolve();
        }
      });
      source.onerror = (error) => {
        if (source.readyState === EventSource.CLOSED) reject(error);
      };
      setTimeout(() => reject(new Error(`no terminal event; got ${JSON.stringify(events)}`)), 20_000);
    });
    expect(events.length).toBeGreaterThanOrEqual(4);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const pcts = events.map((e) => e.pct);
    expect(pcts).toEqual([...pcts].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ status: "completed", pct: 100 });
  });

  it("replays everything, then resumes after Last-Event-ID without repeating an event", async () => {
    const { job_id } = await ingest(server, tenant, bigBatch("re"));
    await waitForJob(server, tenant, job_id);
    const full = await readFrames(await fetch(streamUrl(job_id), { headers: { cookie: tenant.cookie } }));
    const progress = full.frames.filter((f) => f.event === "progress");
    expect(full.raw.startsWith("retry: 3000\n\n")).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    const middle = progress[1]!.id!;
    const resumed = await readFrames(
      await fetch(streamUrl(job_id), { headers: { cookie: tenant.cookie, "last-event-id": middle } }),
    );
    const resumedIds = resumed.frames.filter((f) => f.event === "progress").map((f) => f.id);
    expect(resumedIds).toEqual(progress.slice(2).map((f) => f.id));
    expect(JSON.parse(resumed.frames.at(-1)!.data)).toMatchObject({ job_id, status: "completed" });
  });

  it("keeps a quiet stream alive with heartbeat comments while the job waits, then follows it to the end", async () => {
    const { job_id } = await ingest(server, tenant, [
      { customer_id: "hb", order_date: "2026-05-01", amount: 1 },
    ]);
    const ingestJob = await waitForJob(server, tenant, job_id);
    // The segmentation job waits out its debounce (1.5 s here): a quiet stretch for heartbeats.
    const segmentationId = ingestJob.result.next_job_id as string;
    const { frames } = await readFrames(
      await fetch(streamUrl(segmentationId), { headers: { cookie: tenant.cookie } }),
    );
    expect(frames.filter((f) => f.event === ":").length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(frames.at(-1)!.data)).toMatchObject({ job_id: segmentationId, status: "completed" });
  });

  it("is refused to another tenant and reveals nothing", async () => {
    const stranger = await createTenant(server, "Stranger");
    const { job_id } = await ingest(server, tenant, [
      { customer_id: "sec", order_date: "2026-05-01", amount: 1 },
    ]);
    const res = await fetch(streamUrl(job_id), { headers: { cookie: stranger.cookie } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});
