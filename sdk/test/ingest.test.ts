import { describe, expect, it } from "vitest";
import { fakeClient, json } from "./helpers.js";

const records = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({
    customer_id: `C-${from + i}`,
    order_date: "2026-05-01",
    amount: 10,
  }));

interface Batch {
  project_id: string;
  records: unknown[];
  batch_id: string;
  run_id?: string;
  final?: boolean;
}

/** An ingest API that records each batch and how many were in flight at once. */
function ingestServer() {
  const batches: Batch[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fake = fakeClient(async (request) => {
    const batch = (await request.json()) as Batch;
    batches.push(batch);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    return json(202, {
      job_id: `job-${batch.batch_id}`,
      file_id: `file-${batch.batch_id}`,
      run_id: batch.run_id ?? `run-${batch.batch_id}`,
      status: "processing",
    });
  });
  return { ...fake, batches, maxInFlight: () => maxInFlight };
}

describe("ingest.send", () => {
  it("sends up to 10,000 records as one batch under the given batch id", async () => {
    const { client, batches, requests } = ingestServer();
    const accepted = await client.ingest.send("p1", records(3), { batchId: "may-orders" });
    expect(accepted).toEqual([
      {
        job_id: "job-may-orders",
        file_id: "file-may-orders",
        run_id: "run-may-orders",
        status: "processing",
      },
    ]);
    expect(batches).toEqual([{ project_id: "p1", records: records(3), batch_id: "may-orders" }]);
    expect(requests[0]?.url).toBe("http://api.test/api/v1/ingest");
    expect(requests[0]?.headers.get("authorization")).toMatch(/^Bearer sk_live_/);
  });

  it("splits more than 10,000 records into batches of ONE run: the first opens it, the last closes it", async () => {
    const { client, batches, maxInFlight } = ingestServer();
    const seen: string[] = [];
    const accepted = await client.ingest.send("p1", records(25_001), {
      batchId: "import",
      onBatch: (_accepted, index, total) => seen.push(`${index + 1} of ${total}`),
    });
    expect(accepted.map((a) => [a.job_id, a.run_id])).toEqual([
      ["job-import-0", "run-import-0"],
      ["job-import-1", "run-import-0"],
      ["job-import-2", "run-import-0"],
    ]);
    // In order: the run must be open before the others join it, and closed only after they did.
    expect(batches.map((b) => [b.batch_id, b.records.length, b.run_id, b.final])).toEqual([
      ["import-0", 10_000, undefined, false],
      ["import-1", 10_000, "run-import-0", false],
      ["import-2", 5_001, "run-import-0", undefined],
    ]);
    expect(maxInFlight()).toBe(1);
    expect(seen).toEqual(["1 of 3", "2 of 3", "3 of 3"]);
  });

  it("sends the batches between the first and the last two at a time, or `concurrency` at a time", async () => {
    const two = ingestServer();
    await two.client.ingest.send("p1", records(50_000));
    expect(two.maxInFlight()).toBe(2);
    const four = ingestServer();
    await four.client.ingest.send("p1", records(70_000), { concurrency: 4 });
    expect(four.maxInFlight()).toBe(4);
    expect(four.batches.at(-1)?.final).toBeUndefined();
    expect(four.batches.slice(0, -1).every((b) => b.final === false)).toBe(true);
  });

  it("derives the same batch ids from the same records, so a second run after a crash stores nothing twice", async () => {
    const { client, batches } = ingestServer();
    await client.ingest.send("p1", records(12_000));
    await client.ingest.send("p1", records(12_000));
    await client.ingest.send("p1", records(12_000, 1));
    const ids = batches.map((b) => b.batch_id);
    expect(ids[0]).toMatch(/^sha256-[0-9a-f]{40}-0$/);
    expect(ids.slice(2, 4)).toEqual(ids.slice(0, 2));
    expect(ids[4]).not.toBe(ids[0]);
  });

  it("stops sending more batches after one fails", async () => {
    const { client, requests } = fakeClient(() =>
      json(400, { error: "Invalid request: 1 record is invalid", code: "validation_failed" }),
    );
    await expect(client.ingest.send("p1", records(50_000), { concurrency: 1 })).rejects.toMatchObject({
      code: "validation_failed",
    });
    expect(requests).toHaveLength(1);
  });

  it("throws for no records, sending nothing", async () => {
    const { client, requests } = ingestServer();
    await expect(client.ingest.send("p1", [])).rejects.toThrow(/got no records: pass at least one record/);
    expect(requests).toHaveLength(0);
  });
});
