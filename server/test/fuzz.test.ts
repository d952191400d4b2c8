import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, type OperationSpec } from "../src/http/contract.js";
import {
  createTenant,
  setPlan,
  startTestServer,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

/**
 * Property-based fuzzing of every routed operation, from the spec's own schemas: valid requests and mutated
 * ones (a value swapped for a hostile one, an unknown key added, a random JSON body) against a running server
 * with a real organization, project and API key. Never a 500 (the test server also turns any response that
 * breaks the contract into a 500), and a 4xx writes nothing.
 *
 * FUZZ_SEED (default fixed, printed) replays a run; FUZZ_RUNS sets the requests per operation (default 4: about
 * 280 requests, well under a minute; CI may raise it).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);

const contract = new Contract();
type Schema = Record<string, unknown>;

let server: TestServer;
let tenant: Tenant;

/** Tables only requests write (background jobs write transactions, customers, runs and cluster segments). */
const COUNTED = [
  "organization",
  "member",
  "invitation",
  "projects",
  "api_keys",
  "integrations",
  "automations",
  "contact_messages",
  "files",
];

async function rowCounts(): Promise<string> {
  const knex = server.app.db.knex;
  const selects = COUNTED.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`);
  selects.push(`(SELECT count(*) FROM segments WHERE kind <> 'cluster') AS rule_segments`);
  const result = await knex.raw(`SELECT ${selects.join(", ")}`);
  return JSON.stringify(result.rows[0]);
}

const METRICS_TOKEN = "fuzz-metrics-token-0123456789";

beforeAll(async () => {
  console.log(`fuzz: seed ${SEED}, ${RUNS} requests per operation (FUZZ_SEED, FUZZ_RUNS)`);
  server = await startTestServer({
    metricsToken: METRICS_TOKEN,
    contactRateLimit: { max: 1_000_000, windowMs: 60_000 },
    segmentationDebounceMs: 60 * 60 * 1000,
  });
  tenant = await createTenant(server, "Fuzz");
  await setPlan(server, tenant.orgId, "pro");
});

afterAll(async () => {
  await server?.close();
});

const HOSTILE: unknown[] = [
  "\u0000",
  "a\u0000b",
  "constructor",
  "__proto__",
  "toString",
  "",
  " ",
  "x".repeat(5000),
  -1,
  0,
  1e308,
  -1e308,
  2 ** 53 + 1,
  0.5,
  true,
  null,
  {},
  [],
  [[[[[[[[[[1]]]]]]]]]],
  { __proto__: { polluted: true } },
  { constructor: { prototype: {} } },
  "2026-13-45",
  "../../etc/passwd",
  "'; DROP TABLE customers; --",
  "\ud800",
];

function resolve(schema: Schema): Schema {
  let current = schema;
  while (typeof current.$ref === "string") {
    current = (current.$ref as string)
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<Schema>((node, key) => node[key] as Schema, contract.document);
  }
  return current;
}

const atPointer = (pointer: string): Schema => resolve({ $ref: pointer });

/** A generator of values the schema accepts (mostly: `if`/`then` and cross-field rules are not modelled). */
function fromSchema(raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ["oneOf", "anyOf"] as const) {
    if (Array.isArray(schema[key]) && depth < 4)
      return fc.oneof(...(schema[key] as Schema[]).map((s) => fromSchema(s, depth + 1)));
  }
  if (Array.isArray(schema.allOf)) {
    const parts = (schema.allOf as Schema[]).map(resolve);
    const merged: Schema = { type: "object", properties: {}, required: [] };
    for (const part of parts) {
      Object.assign(merged.properties as Schema, part.properties ?? {});
      (merged.required as string[]).push(...((part.required as string[]) ?? []));
    }
    return fromSchema(merged, depth + 1);
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return fc.oneof(...types.map((type) => ofType(schema, type, depth)));
}

function ofType(schema: Schema, type: string | undefined, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? -1000,
        max: (schema.maximum as number | undefined) ?? 100_000,
      });
    case "number":
      return fc.double({
        min: (schema.minimum as number | undefined) ?? -1e6,
        max: (schema.maximum as number | undefined) ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "string":
      return stringOf(schema);
    case "array": {
      if (depth > 5) return fc.constant([]);
      const minLength = (schema.minItems as number | undefined) ?? 0;
      const maxLength = Math.min((schema.maxItems as number | undefined) ?? 3, minLength + 3);
      return fc.array(fromSchema((schema.items as Schema) ?? {}, depth + 1), { minLength, maxLength });
    }
    case "object":
      return objectOf(schema, depth);
    default:
      return schema.properties ? objectOf(schema, depth) : fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case "uuid":
      return fc.uuid();
    case "email":
      return fc.emailAddress();
    case "date-time":
      return fc
        .date({ min: new Date("2000-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString());
    case "date":
      return fc
        .date({ min: new Date("2000-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "uri":
      return fc.webUrl();
  }
  if (typeof schema.pattern === "string") {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 300);
    } catch {
      // A pattern fast-check cannot generate from: plain strings (mostly refused, which is fine).
    }
  }
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? 40, minLength + 40);
  return fc.string({ minLength, maxLength });
}

function objectOf(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant({});
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (resolve(property).readOnly === true) continue;
    record[name] = fromSchema(property, depth + 1);
  }
  return fc.record(record, { requiredKeys: Object.keys(record).filter((k) => required.has(k)) });
}

/** A valid value with one leaf (or one added key) made hostile. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom(...HOSTILE), fc.boolean())
    .map(([value, pick, hostile, addKey]) => {
      const copy = structuredClone(value);
      const containers: (Record<string, unknown> | unknown[])[] = [];
      const pending: unknown[] = [copy];
      while (pending.length > 0) {
        const node = pending.pop();
        if (node && typeof node === "object") {
          containers.push(node as Record<string, unknown>);
          pending.push(...Object.values(node as object));
        }
      }
      if (containers.length === 0) return hostile;
      const target = containers[pick % containers.length]!;
      if (Array.isArray(target)) target[pick % Math.max(1, target.length)] = hostile;
      else {
        const keys = Object.keys(target);
        const key = addKey || keys.length === 0 ? String(HOSTILE[pick % 4]) : keys[pick % keys.length]!;
        Object.defineProperty(target, key, {
          value: hostile,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    });
}

interface FuzzRequest {
  path: string;
  query: [string, string][];
  body: unknown;
}

function pathValue(op: OperationSpec, name: string): fc.Arbitrary<string> {
  // Real ids for the tenant's own organization and project, except where the operation would delete it.
  const own = { orgId: tenant.orgId, projectId: tenant.projectId }[name];
  const others = fc.constantFrom(randomUUID(), "not-an-id", "%00", "constructor", encodeURIComponent("ü"));
  return own && op.method !== "delete"
    ? fc.oneof({ weight: 4, arbitrary: fc.constant(own) }, { weight: 1, arbitrary: others })
    : others;
}

function queryValue(op: OperationSpec, name: string, pointer: string): fc.Arbitrary<string> {
  const spec = op.parameters.find((p) => p.in === "query" && p.name === name)!;
  const valid = fromSchema(atPointer(pointer));
  const encoded = (value: unknown) =>
    typeof value === "string" && !spec.json ? value : JSON.stringify(value);
  return fc.oneof(
    { weight: 4, arbitrary: valid.map(encoded) },
    { weight: 1, arbitrary: mutated(valid).map(encoded) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE).map(encoded) },
  );
}

function requestFor(op: OperationSpec): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const path = fc
    .tuple(...pathParams.map((p) => pathValue(op, p.name).map((v): [string, string] => [p.name, v])))
    .map((pairs) => pairs.reduce((acc, [name, value]) => acc.replace(`{${name}}`, value), op.path));
  const query = fc
    .tuple(
      ...queryParams.map((p) => fc.option(queryValue(op, p.name, p.pointer), { nil: undefined, freq: 2 })),
    )
    .map((values) =>
      values.flatMap((value, i): [string, string][] =>
        value === undefined ? [] : [[queryParams[i]!.name, value]],
      ),
    );
  const pointer = op.requestBody?.content["application/json"];
  const body: fc.Arbitrary<unknown> = pointer
    ? fc.oneof(
        { weight: 3, arbitrary: fromSchema(atPointer(pointer)).map(ownProject) },
        { weight: 2, arbitrary: mutated(fromSchema(atPointer(pointer)).map(ownProject)) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      )
    : fc.constant(undefined);
  return fc.record({ path: path as fc.Arbitrary<string>, query, body });
}

/** A body naming a project (ingest) names the tenant's, so valid batches get past the key's 403. */
function ownProject(body: unknown): unknown {
  if (body && typeof body === "object" && "project_id" in body)
    return { ...body, project_id: tenant.projectId };
  return body;
}

function credentials(op: OperationSpec): Record<string, string> {
  if (op.security.length === 0) return {};
  const schemes = op.security.flat();
  if (schemes.includes("session")) return { cookie: tenant.cookie };
  if (schemes.includes("metricsToken")) return { authorization: `Bearer ${METRICS_TOKEN}` };
  return { authorization: `Bearer ${tenant.apiKey}` };
}

// Job and run ids are random here, so the SSE streams answer 404 at once instead of staying open.
const routed = contract.operations.filter((op) => op.handledBy === "router");

describe("fuzzing every operation from the spec's schemas", () => {
  it.each(routed.map((op) => [op.id, op] as const))(
    "%s: never a 500, and a 4xx writes nothing",
    async (_, op) => {
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requestFor(op), async ({ path, query, body }) => {
          const before = await rowCounts();
          const url = `${path}${query.length > 0 ? `?${new URLSearchParams(query)}` : ""}`;
          const res = await server.request(url, {
            method: op.method.toUpperCase(),
            ...(body === undefined ? {} : { body }),
            headers: credentials(op),
          });
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          const sent = `${op.method.toUpperCase()} ${url} ${JSON.stringify(body)?.slice(0, 500)}`;
          expect(res.status, `${sent} -> ${res.text.slice(0, 500)}`).not.toBe(500);
          // The only 5xx by design: a feature the operator has not configured (Stripe here), 503.
          if (res.status > 500)
            expect(
              ["not_configured", "billing_not_configured"],
              `${sent} -> ${res.text.slice(0, 500)}`,
            ).toContain(res.body.code);
          if (res.status >= 400 && res.status < 500)
            expect(await rowCounts(), `${op.id} ${res.status} wrote rows`).toBe(before);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      console.log(`${op.id}: ${[...seen].map(([status, n]) => `${status}×${n}`).join(" ")}`);
    },
  );
});
