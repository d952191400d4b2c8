import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTenant,
  setPlan,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestResponse,
  type TestServer,
} from "./helpers/test-server.js";

/**
 * Bad input is never a 500 (issue #11): names of built-in object properties, NUL bytes, deep nesting,
 * broken bodies and over-long filters each get a 400 (or 413) with a stable code and the field named, and
 * nothing is written.
 */
let server: TestServer;
let tenant: Tenant;

const INHERITED = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

const customers = (filters: string) =>
  server.request(`/api/engine/projects/${tenant.projectId}/customers?${new URLSearchParams({ filters })}`, {
    cookie: tenant.cookie,
  });
const segments = (path = "", body?: unknown) =>
  server.request(`/api/engine/projects/${tenant.projectId}/segments${path}`, {
    body,
    cookie: tenant.cookie,
  });
const ingestRaw = (records: unknown[]) =>
  server.request("/api/v1/ingest", {
    body: { project_id: tenant.projectId, records },
    headers: { authorization: `Bearer ${tenant.apiKey}` },
  });
const nested = (depth: number, leaf: unknown, wrap: (inner: unknown) => unknown) => {
  let node = leaf;
  for (let i = 0; i < depth; i++) node = wrap(node);
  return node;
};
const rowCount = async (table: string) => Number((await server.app.db.knex(table).count({ n: "*" }))[0]!.n);

/** A 400 whose details name `field` (exactly or as a prefix of a longer path). */
function expectNamed(res: TestResponse, field: string, code = "validation_failed") {
  expect(res.status, res.text).toBe(400);
  expect(res.body.code).toBe(code);
  const fields = (res.body.details ?? []).map((d: { field: string }) => d.field);
  expect(
    fields.some((f: string) => f === field || f.startsWith(field)),
    JSON.stringify(fields),
  ).toBe(true);
}

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenant(server, "Hostile");
  await setPlan(server, tenant.orgId, "pro");
});

afterAll(async () => {
  await server?.close();
});

describe("filter fields and ops named after built-in object properties", () => {
  it.each(INHERITED)("refuses field %s in the filters query, segment rules and preview", async (name) => {
    const condition = { field: name, op: "eq", value: "x" };
    const listed = await customers(JSON.stringify([condition]));
    expectNamed(listed, "filters[0]");
    expect(listed.body.details[0].message).toContain(name);
    const created = await segments("", { name: `Rule ${name}`, kind: "rule", rules: [condition] });
    expectNamed(created, "rules[0]");
    const previewed = await segments("/preview", { kind: "rule", rules: [{ any: [condition] }] });
    expectNamed(previewed, "rules[0]");
  });

  it.each(INHERITED)("refuses op %s with a 400 naming the condition", async (name) => {
    const listed = await customers(JSON.stringify([{ field: "churn_risk", op: name, value: "x" }]));
    expectNamed(listed, "filters[0]");
    const previewed = await segments("/preview", {
      kind: "rule",
      rules: [{ field: "extra_features.country", op: name, value: "x" }],
    });
    expectNamed(previewed, "rules[0]");
  });

  it("refuses inherited names as sort keys, shortcut filters and upload mappings", async () => {
    const base = `/api/engine/projects/${tenant.projectId}/customers`;
    for (const name of INHERITED) {
      const sorted = await server.request(`${base}?sort_by=${name}`, { cookie: tenant.cookie });
      expectNamed(sorted, "sort_by");
      const risk = await server.request(`${base}?churn_risk=${name}`, { cookie: tenant.cookie });
      expectNamed(risk, "churn_risk");
    }
    for (const name of ["constructor", "toString", "__proto__"]) {
      const res = await upload(`${name}.csv`, "customer_id,order_date,amount\nC1,2026-01-01,10\n", {
        mapping: JSON.stringify({ [name]: "customer_id" }),
      });
      expect(res.status, res.text).toBe(400);
      expect(res.text).toContain(name);
    }
  });
});

describe("NUL bytes", () => {
  it("are refused with 400 naming the field, in every kind of string, and nothing is written", async () => {
    const before = {
      orgs: await rowCount("organization"),
      projects: await rowCount("projects"),
      segments: await rowCount("segments"),
    };
    const org = await server.request("/api/organizations", {
      body: { name: "Bad\u0000Org" },
      cookie: tenant.cookie,
    });
    expectNamed(org, "name");
    const project = await server.request(`/api/organizations/${tenant.orgId}/projects`, {
      body: { name: "Bad\u0000Project" },
      cookie: tenant.cookie,
    });
    expectNamed(project, "name");
    const contact = await server.request("/api/contact", {
      body: { name: "Ada", email: "ada@example.com", message: "hello\u0000 there, world" },
    });
    expectNamed(contact, "message");
    const segment = await segments("", {
      name: "Nul\u0000",
      kind: "rule",
      rules: [{ field: "churn_risk", op: "eq", value: "high" }],
    });
    expectNamed(segment, "name");
    const ruleValue = await segments("/preview", {
      kind: "rule",
      rules: [{ field: "customer_id", op: "eq", value: "a\u0000b" }],
    });
    expectNamed(ruleValue, "rules[0].value");
    const filterValue = await customers(
      JSON.stringify([{ field: "customer_id", op: "contains", value: "\u0000" }]),
    );
    expectNamed(filterValue, "filters[0].value");
    const shortcut = await server.request(
      `/api/engine/projects/${tenant.projectId}/customers?segment=a%00b`,
      { cookie: tenant.cookie },
    );
    expectNamed(shortcut, "segment");
    expect(await rowCount("organization")).toBe(before.orgs);
    expect(await rowCount("projects")).toBe(before.projects);
    expect(await rowCount("segments")).toBe(before.segments);
  });

  it("are refused in ingest values and keys, naming the record", async () => {
    const files = await rowCount("files");
    const value = await ingestRaw([
      { customer_id: "C1", order_date: "2026-01-01", amount: 1 },
      { customer_id: "C\u00002", order_date: "2026-01-01", amount: 1 },
    ]);
    expectNamed(value, "records[1].customer_id");
    expect(value.body.details[0].index).toBe(1);
    const extra = await ingestRaw([
      { customer_id: "C1", order_date: "2026-01-01", amount: 1, note: "a\u0000" },
    ]);
    expectNamed(extra, "records[0].note");
    const key = await ingestRaw([{ customer_id: "C1", order_date: "2026-01-01", amount: 1, "n\u0000": "a" }]);
    expectNamed(key, "records[0]");
    expect(await rowCount("files")).toBe(files);
  });

  it("are refused in upload file names and form fields", async () => {
    const files = await rowCount("files");
    const named = await upload("orders\u0000.csv", "customer_id,order_date,amount\nC1,2026-01-01,10\n");
    expect(named.status, named.text).toBe(400);
    expect(named.body.code).toBe("validation_failed");
    expect(named.body.details[0].field).toBe("file");
    const field = await upload("orders.csv", "customer_id,order_date,amount\nC1,2026-01-01,10\n", {
      delimiter: "\u0000",
    });
    expect(field.status, field.text).toBe(400);
    expect(field.body.details[0].field).toBe("delimiter");
    expect(await rowCount("files")).toBe(files);
  });
});

describe("deep nesting", () => {
  it("refuses segment rules nested 2,000 levels with too_deeply_nested", async () => {
    const rules = [nested(2000, { field: "churn_risk", op: "eq", value: "high" }, (n) => ({ any: [n] }))];
    const res = await segments("/preview", { kind: "rule", rules });
    expect(res.status, res.text).toBe(400);
    expect(res.body.code).toBe("too_deeply_nested");
    const created = await segments("", { name: "Deep", kind: "rule", rules });
    expect(created.status).toBe(400);
    expect(created.body.code).toBe("too_deeply_nested");
  });

  it("refuses a filters query nested 100 levels with too_deeply_nested", async () => {
    const filters = [nested(100, { field: "churn_risk", op: "eq", value: "high" }, (n) => ({ all: [n] }))];
    const res = await customers(JSON.stringify(filters));
    expect(res.status, res.text).toBe(400);
    expect(res.body.code).toBe("too_deeply_nested");
    expect(res.body.details[0].field).toBe("filters");
  });

  it("refuses ingest values nested 5,000 levels, and object or array extra fields naming the record", async () => {
    // Written as text: JSON.stringify itself overflows on 5,000 levels.
    const deep = await server.request("/api/v1/ingest", {
      rawBody: `{"project_id":"${tenant.projectId}","records":[{"customer_id":"C1","order_date":"2026-01-01","amount":1,"x":${"[".repeat(5000)}1${"]".repeat(5000)}}]}`,
      headers: { authorization: `Bearer ${tenant.apiKey}`, "content-type": "application/json" },
    });
    expect(deep.status, deep.text).toBe(400);
    expect(deep.body.code).toBe("too_deeply_nested");
    const object = await ingestRaw([
      { customer_id: "C1", order_date: "2026-01-01", amount: 1 },
      { customer_id: "C2", order_date: "2026-01-01", amount: 1, tags: { a: 1 } },
    ]);
    expectNamed(object, "records[1].tags");
    expect(object.body.details[0].index).toBe(1);
    const array = await ingestRaw([{ customer_id: "C1", order_date: "2026-01-01", amount: 1, tags: ["a"] }]);
    expectNamed(array, "records[0].tags");
    const scalars = await ingestRaw([
      {
        customer_id: "C1",
        order_date: "2026-01-01",
        amount: 1,
        vip: true,
        score: 3.5,
        note: "x",
        gone: null,
      },
    ]);
    expect(scalars.status, scalars.text).toBe(202);
  });
});

describe("bodies the parser cannot read", () => {
  const contact = { name: "Ada", email: "ada@example.com", message: "hello there, world" };
  const send = (body: Buffer, headers: Record<string, string>) =>
    fetch(`${server.url}/api/contact`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: TEST_ORIGIN, ...headers },
      body,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code: string } }));

  it("answers a corrupt gzip body with 400 invalid_body_encoding", async () => {
    const gzipped = gzipSync(JSON.stringify(contact));
    const corrupt = Buffer.concat([gzipped.subarray(0, 10), Buffer.from("not deflate data at all")]);
    const res = await send(corrupt, { "content-encoding": "gzip" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_body_encoding");
    const truncated = await send(gzipped.subarray(0, gzipped.length - 12), { "content-encoding": "gzip" });
    expect(truncated.status).toBe(400);
    expect(truncated.body.code).toBe("invalid_body_encoding");
  });

  it("answers an unknown Content-Encoding or charset with 400 invalid_body_encoding", async () => {
    const body = Buffer.from(JSON.stringify(contact));
    const encoding = await send(body, { "content-encoding": "snappy" });
    expect(encoding.status).toBe(400);
    expect(encoding.body.code).toBe("invalid_body_encoding");
    const charset = await send(body, { "content-type": "application/json; charset=klingon" });
    expect(charset.status).toBe(400);
    expect(charset.body.code).toBe("invalid_body_encoding");
  });
});

describe("the filters query and body rules share one set of limits", () => {
  const conditions = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ field: "rfm_monetary", op: "gte", value: i }));

  it("refuses 51 conditions in both, and accepts 50 in both", async () => {
    const query = await customers(JSON.stringify(conditions(51)));
    expectNamed(query, "filters");
    expect(query.body.details[0].rule).toBe("maxItems");
    const body = await segments("/preview", { kind: "rule", rules: conditions(51) });
    expectNamed(body, "rules");
    expect(body.body.details[0].rule).toBe("maxItems");
    expect((await customers(JSON.stringify(conditions(50)))).status).toBe(200);
    expect((await segments("/preview", { kind: "rule", rules: conditions(50) })).status).toBe(200);
  });

  it("validates the filters query against the FilterDocument schema (extra keys, bad op)", async () => {
    const extra = await customers(JSON.stringify([{ field: "churn_risk", op: "eq", value: "high", x: 1 }]));
    expectNamed(extra, "filters[0]");
    const notJson = await customers("[{");
    expectNamed(notJson, "filters");
  });
});

async function upload(name: string, content: string, fields: Record<string, string> = {}) {
  // Built by hand: a NUL in a file name must reach the server as sent (RFC 5987 encoded, as a raw NUL in
  // a part header is refused by the parser before any name is read).
  const boundary = "----segmento-bad-input";
  const parts = Object.entries(fields).map(
    ([key, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`,
  );
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`,
  );
  const response = await fetch(`${server.url}/api/projects/${tenant.projectId}/files`, {
    method: "POST",
    body: `${parts.join("")}--${boundary}--\r\n`,
    headers: {
      cookie: tenant.cookie,
      origin: TEST_ORIGIN,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
}
