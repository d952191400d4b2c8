import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTenant,
  ingest,
  request,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestServer,
  waitForJob,
} from "./helpers/test-server.js";

let server: TestServer;
let tenant: Tenant;

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 300, uploadLimitBytes: 64 * 1024 });
  tenant = await createTenant(server, "Shop");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

const db = () => server.app.db.knex;
const send = (t: Tenant, records: Record<string, unknown>[], extra?: Parameters<typeof ingest>[3]) =>
  ingest(server, t, records, extra);

/** Uploads `content` as a multipart file with optional fields, as a browser form would. */
async function upload(
  t: Tenant,
  name: string,
  content: Buffer | string,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set("file", new Blob([content]), name);
  const response = await fetch(`${server.url}/api/projects/${t.projectId}/files`, {
    method: "POST",
    body: form,
    headers: { cookie: t.cookie, origin: TEST_ORIGIN },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/**
 * The HTTP/1.1 responses arriving on a raw socket, one at a time (bodies with a Content-Length, as ours have).
 * `next` rejects when the connection closes or fails before a whole response has arrived.
 */
function httpResponses(socket: Socket) {
  let buffered = Buffer.alloc(0);
  let waiting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  let ended: Error | undefined;
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.resolve();
  });
  const end = (error: Error) => {
    ended ??= error;
    waiting?.reject(ended);
  };
  socket.on("error", end);
  socket.on("close", () => end(new Error("the server closed the connection")));
  return {
    async next(): Promise<{ status: number; body: string }> {
      for (;;) {
        const headEnd = buffered.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
          const head = buffered.subarray(0, headEnd).toString("latin1");
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (buffered.length >= headEnd + 4 + length) {
            const body = buffered.subarray(headEnd + 4, headEnd + 4 + length).toString("utf8");
            buffered = buffered.subarray(headEnd + 4 + length);
            return { status: Number(head.split(" ")[1]), body };
          }
        }
        if (ended) throw ended;
        await new Promise<void>((resolve, reject) => {
          waiting = { resolve, reject };
        });
        waiting = undefined;
      }
    },
  };
}

/** A project's stored transactions as comparable rows (file and line aside). */
async function transactionsOf(projectId: string) {
  const rows = await db()("transactions")
    .where({ project_id: projectId })
    .orderBy(["customer_key", "order_date", "amount"])
    .select("customer_key", "order_date", "amount", "order_id", "quantity", "status", "is_return");
  return rows.map((r) => ({
    ...r,
    order_date: new Date(r.order_date).toISOString(),
    amount: Number(r.amount),
  }));
}

describe("POST /api/v1/ingest", () => {
  it("accepts records with 202, stores every one, and keeps the customers' raw aggregates", async () => {
    const t = await createTenant(server, "Aggregates");
    const accepted = await send(t, [
      { customer_id: "C-1001", order_date: "2026-05-01", amount: 129.9, country: "TR" },
      {
        customer_id: "C-1001",
        order_date: "2026-05-20T10:00:00Z",
        amount: 60,
        order_id: "O-2",
        country: "DE",
      },
      { customer_id: "C-1001", order_date: "2026-05-22", amount: -60, order_id: "O-2" },
      { customer_id: "C-1002", order_date: "2026-05-02", amount: 59, status: "returned", tier: "gold" },
      { customer_id: 1003, order_date: "2026-05-03", amount: 10 },
    ]);
    expect(accepted).toMatchObject({ status: "processing" });
    const job = await waitForJob(server, t, accepted.job_id);
    expect(job).toMatchObject({ type: "ingest", status: "completed", pct: 100, file_id: accepted.file_id });
    expect(job.result).toMatchObject({ rows: 5, customers: 3 });
    const customers = await db()("customers").where({ project_id: t.projectId }).orderBy("customer_key");
    expect(customers.map((c) => c.customer_key)).toEqual(["1003", "C-1001", "C-1002"]);
    expect(customers[1]).toMatchObject({
      purchase_count: 2,
      return_count: 1,
      // Money comes back as Postgres's exact NUMERIC text, never through a double.
      gross_amount: "189.900000",
      return_amount: "60.000000",
      extra_features: { country: "DE" },
    });
    expect(customers[1].customer_id_hash).toMatch(/^CUST_[0-9A-F]{8}$/);
    expect(customers[2]).toMatchObject({
      purchase_count: 0,
      return_count: 1,
      return_amount: "59.000000",
      extra_features: { tier: "gold" },
    });
    const file = await server.request(`/api/files/${accepted.file_id}`, { cookie: t.cookie });
    expect(file.body).toMatchObject({
      source: "api",
      status: "completed",
      rowCount: 5,
      skippedRows: 0,
      jobId: accepted.job_id,
    });
  });

  it("stores text with tabs, line breaks, backslashes and quotes as sent, and extra values as text", async () => {
    const t = await createTenant(server, "Escapes");
    const tricky = 'tab\there, line\nbreak, CR\r, back\\slash \\N, "quoted", ünïcødé';
    const accepted = await send(t, [
      {
        customer_id: "E\\1",
        order_date: "2026-05-01",
        amount: 10,
        order_id: "O\t1",
        note: tricky,
        visits: 3,
        vip: true,
      },
      { customer_id: "E\\1", order_date: "2026-05-02", amount: 5, status: "refunded", note: "\\" },
    ]);
    expect(await waitForJob(server, t, accepted.job_id)).toMatchObject({ status: "completed" });
    const stored = await db()("transactions").where({ project_id: t.projectId }).orderBy("line");
    expect(stored.map((r) => [r.customer_key, r.order_id, r.status, r.is_return])).toEqual([
      ["E\\1", "O\t1", null, false],
      ["E\\1", null, "refunded", true],
    ]);
    const customer = await db()("customers").where({ project_id: t.projectId }).first();
    expect(customer.extra_features).toEqual({ note: "\\", visits: "3", vip: "true" });
    const first = await send(t, [{ customer_id: "E2", order_date: "2026-05-01", amount: 1, note: tricky }]);
    await waitForJob(server, t, first.job_id);
    const second = await db()("customers").where({ project_id: t.projectId, customer_key: "E2" }).first();
    expect(second.extra_features).toEqual({ note: tricky.trim() });
  });

  it("refuses an empty batch and one over 10,000 records", async () => {
    const auth = { authorization: `Bearer ${tenant.apiKey}` };
    const empty = await server.request("/api/v1/ingest", {
      body: { project_id: tenant.projectId, records: [] },
      headers: auth,
    });
    expect(empty.status).toBe(400);
    expect(empty.body.details[0]).toMatchObject({ field: "records", rule: "minItems" });
    const record = { customer_id: "c", order_date: "2026-01-01", amount: 1 };
    const big = await server.request("/api/v1/ingest", {
      body: { project_id: tenant.projectId, records: Array.from({ length: 10_001 }, () => record) },
      headers: auth,
    });
    expect(big.status).toBe(400);
    expect(big.body.details[0]).toMatchObject({ field: "records", rule: "maxItems" });
  });

  it("lists the offending records (index, field, reason; the first 20 and a count) and stores nothing", async () => {
    const t = await createTenant(server, "Invalid");
    const records = Array.from({ length: 30 }, (_, i) => ({
      customer_id: `c${i}`,
      order_date: "2026-05-01",
      amount: 5,
    }));
    records[3] = { customer_id: "c3", order_date: "2026-02-30", amount: 5 };
    for (let i = 10; i < 30; i++) records[i] = { customer_id: `c${i}`, order_date: "2026-13-01" } as never;
    const res = await server.request("/api/v1/ingest", {
      body: { project_id: t.projectId, records },
      headers: { authorization: `Bearer ${t.apiKey}`, "accept-language": "en" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("21 of the 30 records are invalid, so nothing was stored");
    expect(res.body.details).toHaveLength(20);
    expect(res.body.errorCount).toBe(41);
    expect(res.body.details[0]).toMatchObject({ index: 3, field: "records[3].order_date", rule: "format" });
    expect(res.body.details[0].message).toContain("2026-02-30");
    expect(await db()("files").where({ project_id: t.projectId })).toEqual([]);
    expect(await db()("transactions").where({ project_id: t.projectId })).toEqual([]);
    // A value of the wrong JSON type is caught by the contract itself, and still names its record.
    const typed = await server.request("/api/v1/ingest", {
      body: {
        project_id: t.projectId,
        records: [records[0], { customer_id: "x", order_date: "2026-05-01", amount: "lots" }],
      },
      headers: { authorization: `Bearer ${t.apiKey}` },
    });
    expect(typed.status).toBe(400);
    expect(typed.body.details[0]).toMatchObject({ index: 1, field: "records[1].amount", rule: "type" });
  });

  it("checks exposures and purchases by their own rules", async () => {
    const res = await server.request("/api/v1/ingest", {
      body: {
        project_id: tenant.projectId,
        records: [
          { customer_id: "a", type: "campaign_exposure", campaign_id: "spring", group: "treatment" },
          { customer_id: "b", order_date: "2026-05-01" },
        ],
      },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(res.status).toBe(400);
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["records[0].exposed_at", "records[1].amount"]));
  });

  it("answers 403 when project_id is not the key's project", async () => {
    const other = await createTenant(server, "Elsewhere");
    const res = await server.request("/api/v1/ingest", {
      body: {
        project_id: other.projectId,
        records: [{ customer_id: "x", order_date: "2026-01-01", amount: 1 }],
      },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(
      expect.objectContaining({ error: "Forbidden: API key does not belong to this project" }),
    );
  });

  it("returns the original job for a repeated batch_id and stores nothing twice", async () => {
    const t = await createTenant(server, "Batches");
    const records = [{ customer_id: "b1", order_date: "2026-05-01", amount: 10 }];
    const first = await send(t, records, { batch_id: "may-2026-orders" });
    await waitForJob(server, t, first.job_id);
    const again = await server.request("/api/v1/ingest", {
      body: { project_id: t.projectId, records, batch_id: "may-2026-orders" },
      headers: { authorization: `Bearer ${t.apiKey}` },
    });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first);
    expect(await db()("transactions").where({ project_id: t.projectId })).toHaveLength(1);
  });

  it("honours Idempotency-Key: the same request answers the same, a different one with the key is refused", async () => {
    const t = await createTenant(server, "Keys");
    const key = randomUUID();
    const records = [{ customer_id: "k1", order_date: "2026-05-01", amount: 10 }];
    const first = await send(t, records, { headers: { "idempotency-key": key } });
    const replay = await server.request("/api/v1/ingest", {
      body: { project_id: t.projectId, records },
      headers: { authorization: `Bearer ${t.apiKey}`, "idempotency-key": key },
    });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first);
    const changed = await server.request("/api/v1/ingest", {
      body: { project_id: t.projectId, records: [...records, ...records] },
      headers: { authorization: `Bearer ${t.apiKey}`, "idempotency-key": key },
    });
    expect(changed.status).toBe(409);
    await waitForJob(server, t, first.job_id);
    expect(await db()("files").where({ project_id: t.projectId })).toHaveLength(1);
  });
});

const CSV_ROWS = [
  ["C-1", "2026-05-01 10:00", "2", "10.5", "INV-1", "TR"],
  ["C-1", "2026-05-03 12:30", "1", "99", "INV-2", "TR"],
  ["C-2", "2026-05-02 09:15", "3", "4.25", "INV-3", "DE"],
];

describe("upload and API end in the same rows", () => {
  it("a CSV with BOM, ';' delimiter and retail headers equals the same data sent as records", async () => {
    const viaUpload = await createTenant(server, "Uploader");
    const viaApi = await createTenant(server, "Sender");
    const csv = `\uFEFFCustomerID;InvoiceDate;Quantity;UnitPrice;InvoiceNo;Country\n${CSV_ROWS.map((r) => r.join(";")).join("\n")}\n`;
    const res = await upload(viaUpload, "orders.csv", csv);
    expect(res.status).toBe(202);
    await waitForJob(server, viaUpload, res.body.job_id);
    const sent = await send(
      viaApi,
      CSV_ROWS.map(([customer, date, quantity, price, order, country]) => ({
        customer_id: customer,
        order_date: `${date!.replace(" ", "T")}:00Z`,
        amount: Number(quantity) * Number(price),
        quantity: Number(quantity),
        order_id: order,
        Country: country,
      })),
    );
    await waitForJob(server, viaApi, sent.job_id);
    const uploaded = await transactionsOf(viaUpload.projectId);
    expect(uploaded).toHaveLength(3);
    expect(uploaded).toEqual(await transactionsOf(viaApi.projectId));
    const customer = await db()("customers")
      .where({ project_id: viaUpload.projectId, customer_key: "C-1" })
      .first();
    expect(customer).toMatchObject({
      purchase_count: 2,
      gross_amount: "120.000000",
      extra_features: { Country: "TR" },
    });
  });

  it("reads XLSX, with an explicit column mapping", async () => {
    const t = await createTenant(server, "Excel");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Orders");
    sheet.addRow(["Kunde", "Datum", "Summe"]);
    sheet.addRow(["K-1", new Date(Date.UTC(2026, 4, 1)), 12.5]);
    sheet.addRow(["K-2", new Date(Date.UTC(2026, 4, 2)), 7]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await upload(t, "orders.xlsx", buffer, {
      mapping: JSON.stringify({ customer_id: "Kunde", order_date: "Datum", amount: "Summe" }),
    });
    expect(res.status).toBe(202);
    const job = await waitForJob(server, t, res.body.job_id);
    expect(job.status).toBe("completed");
    expect((await transactionsOf(t.projectId)).map((r) => [r.customer_key, r.order_date, r.amount])).toEqual([
      ["K-1", "2026-05-01T00:00:00.000Z", 12.5],
      ["K-2", "2026-05-02T00:00:00.000Z", 7],
    ]);
  });

  it("refuses a file with bad rows, naming their lines, or skips and counts them when asked", async () => {
    const t = await createTenant(server, "Rows");
    const csv =
      "customer_id,order_date,amount\nA,2026-05-01,10\nB,not a date,5\nC,2026-05-02,abc\nD,2026-05-03,7\n";
    const refused = await upload(t, "bad.csv", csv);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain("2 of the 4 rows of bad.csv are invalid");
    expect(refused.body.details.map((d: { field: string }) => d.field)).toEqual([
      "line 3: order_date",
      "line 4: amount",
    ]);
    expect(await db()("files").where({ project_id: t.projectId })).toEqual([]);
    const skipped = await upload(t, "bad.csv", csv, { skipInvalidRows: "true" });
    expect(skipped.status).toBe(202);
    await waitForJob(server, t, skipped.body.job_id);
    const file = await server.request(`/api/files/${skipped.body.file_id}`, { cookie: t.cookie });
    expect(file.body).toMatchObject({
      status: "completed",
      rowCount: 2,
      skippedRows: 2,
      source: "upload",
      name: "bad.csv",
    });
  });

  it("answers 415 for what is not CSV or XLSX, 413 over the size limit, and 400 without a file", async () => {
    const pdf = await upload(tenant, "report.pdf", Buffer.from("%PDF-1.7\n\u0000\u0001binary"));
    expect(pdf.status).toBe(415);
    expect(pdf.body.code).toBe("unsupported_media_type");
    const huge = await upload(
      tenant,
      "huge.csv",
      `customer_id,order_date,amount\n${"x,2026-01-01,1\n".repeat(6000)}`,
    );
    expect(huge.status).toBe(413);
    const none = await fetch(`${server.url}/api/projects/${tenant.projectId}/files`, {
      method: "POST",
      body: (() => {
        const f = new FormData();
        f.set("skipInvalidRows", "true");
        return f;
      })(),
      headers: { cookie: tenant.cookie, origin: TEST_ORIGIN },
    });
    expect(none.status).toBe(400);
    const unmapped = await upload(tenant, "what.csv", "a,b\n1,2\n");
    expect(unmapped.status).toBe(400);
    expect(unmapped.body.details.some((d: { field: string }) => d.field === "customer_id")).toBe(true);
  });

  it("answers an upload sent on a kept-alive connection that sat idle past Node's 5 s default, not a reset", async () => {
    // bench:ingest's 1,000,000-row upload got ECONNRESET: its client reused a connection while the server closed
    // it as idle. A raw socket shows it at any size: one request, an idle spell longer than Node's default
    // keep-alive timeout (5 s, KEEP_ALIVE_TIMEOUT_MS now), then an upload on the same connection.
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    const responses = httpResponses(socket);
    socket.write("GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
    expect((await responses.next()).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const boundary = "segmento-keep-alive";
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="idle.csv"',
      "Content-Type: text/csv",
      "",
      "customer_id,order_date,amount\nidle-1,2026-02-01,5",
      `--${boundary}--`,
      "",
    ].join("\r\n");
    socket.write(
      [
        `POST /api/projects/${tenant.projectId}/files HTTP/1.1`,
        "Host: localhost",
        "Connection: keep-alive",
        `Origin: ${TEST_ORIGIN}`,
        `Cookie: ${tenant.cookie}`,
        `Content-Type: multipart/form-data; boundary=${boundary}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body,
      ].join("\r\n"),
    );
    const answer = await responses.next();
    socket.destroy();
    expect(answer.status).toBe(202);
    expect(await waitForJob(server, tenant, JSON.parse(answer.body).job_id)).toMatchObject({
      status: "completed",
    });
  }, 60_000);
});

describe("the pipeline", () => {
  it("runs one segmentation after a burst of batches, not one per batch, shared by their runs", async () => {
    // A debounce long enough for three small batches to be stored one after the other on a busy machine.
    const burst = await startTestServer({ segmentationDebounceMs: 8000 });
    try {
      const t = await createTenant(burst, "Burst");
      const jobs = [];
      for (const n of [1, 2, 3]) {
        jobs.push(await ingest(burst, t, [{ customer_id: `b${n}`, order_date: "2026-05-01", amount: n }]));
      }
      const ingested = await Promise.all(jobs.map((j) => waitForJob(burst, t, j.job_id)));
      const next = new Set(ingested.map((j) => j.result.next_job_id));
      expect(next.size).toBe(1);
      const segmentation = await waitForJob(burst, t, [...next][0] as string);
      expect(segmentation).toMatchObject({ type: "segmentation", status: "completed" });
      expect(segmentation.result.customers).toBe(3);
      const stages = await burst.app.db.knex("jobs").where({ project_id: t.projectId }).select("type");
      expect(stages.filter((s) => s.type === "segmentation")).toHaveLength(1);
      // Each batch's run includes that one segmentation.
      for (const job of jobs) {
        const run = await burst.request(`/api/engine/runs/${job.run_id}`, { cookie: t.cookie });
        expect(run.body.stages.map((s: { stage: string; job_id: string }) => s.stage)).toContain(
          "segmentation",
        );
        expect(run.body.stages.find((s: { stage: string }) => s.stage === "segmentation").job_id).toBe(
          segmentation.job_id,
        );
      }
      expect(burst.app.contractViolations).toEqual([]);
    } finally {
      await burst.close();
    }
  });
});

describe("progress", () => {
  it("reports the latest progress and the persisted status", async () => {
    const t = await createTenant(server, "Progress");
    const { job_id } = await send(t, [{ customer_id: "p", order_date: "2026-05-01", amount: 1 }]);
    await waitForJob(server, t, job_id);
    const progress = await server.request(`/api/engine/jobs/${job_id}/progress`, { cookie: t.cookie });
    expect(progress.body).toEqual({
      job_id,
      status: "completed",
      pct: 100,
      message: "Stored 1 rows for 1 customers",
    });
    const viaKey = await server.request(`/api/engine/jobs/${job_id}/status`, {
      headers: { authorization: `Bearer ${t.apiKey}` },
    });
    expect(viaKey.body).toMatchObject({ job_id, attempts: 1, error_message: null });
    expect(viaKey.body.started_at).not.toBeNull();
  });

  it("answers 404 with a pointer to /status once progress has expired", async () => {
    const short = await startTestServer({ progressTtlSeconds: 1 });
    try {
      const t = await createTenant(short, "Expiry");
      const res = await short.request("/api/v1/ingest", {
        body: {
          project_id: t.projectId,
          records: [{ customer_id: "e", order_date: "2026-05-01", amount: 1 }],
        },
        headers: { authorization: `Bearer ${t.apiKey}` },
      });
      await waitForJob(short, t, res.body.job_id);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const expired = await short.request(`/api/engine/jobs/${res.body.job_id}/progress`, {
        cookie: t.cookie,
      });
      expect(expired.status).toBe(404);
      expect(expired.body.detail).toContain(`GET /api/engine/jobs/${res.body.job_id}/status`);
      const stream = await request(short.url, `/api/engine/jobs/${res.body.job_id}/progress/stream`, {
        cookie: t.cookie,
      });
      expect(stream.text).toContain("event: expired");
      expect(short.app.contractViolations).toEqual([]);
    } finally {
      await short.close();
    }
  });
});
