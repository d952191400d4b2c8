import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import pg from "pg";
import { type Config, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { type RunningServer, startServer } from "../../src/server.js";

/** The browser origin test clients claim; better-auth refuses cookie POSTs without a trusted Origin. */
export const TEST_ORIGIN = "http://localhost:5173";

export interface TestServer extends RunningServer {
  /** Every log line the server wrote, for tests that check what is (not) logged. */
  logs: string[];
  request(path: string, init?: RequestOptions): Promise<TestResponse>;
}

/** What the helpers below need of a server: its requests (a test server, or a spawned process by URL). */
export type ServerClient = Pick<TestServer, "request">;

/** A server running in another process, reached by its URL. */
export const serverAt = (base: string): ServerClient => ({
  request: (path, init) => request(base, path, init),
});

export interface RequestOptions {
  method?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  cookie?: string;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: every body is already checked against the contract; tests read fields freely
  body: any;
  text: string;
}

/**
 * A real server on a free port, checking every response against the contract. With DATABASE_URL set it gets
 * a database of its own on that server; otherwise an in-memory PGlite. With REDIS_URL, a key prefix of its own.
 */
export async function startTestServer(
  overrides: Partial<Config> = {},
  env: Record<string, string | undefined> = process.env,
  options: { workers?: boolean } = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const suffix = randomBytes(6).toString("hex");
  const databaseUrl = env.DATABASE_URL
    ? await createScratchDatabase(env.DATABASE_URL, `segmento_t_${suffix}`)
    : undefined;
  const config = loadConfig(
    { ...env, PORT: "0", DATABASE_URL: databaseUrl, LOG_LEVEL: "info" },
    {
      authSecret: randomBytes(32).toString("hex"),
      encryptionKey: randomBytes(32).toString("hex"),
      redisPrefix: `segmento-test-${suffix}`,
      trustedOrigins: [TEST_ORIGIN],
      validateResponses: true,
      // Suites make many requests from one IP; the rate-limit suite sets its own limit.
      rateLimit: { max: 100_000, windowMs: 15 * 60 * 1000 },
      // Every run refits (what the suites assert about models); incremental-runs.test.ts sets its own policy.
      fullRun: { intervalHours: 0, driftPercent: 0 },
      ...overrides,
    },
  );
  const server = await startServer(config, {
    logger: createLogger(config, sink),
    inMemoryDatabase: true,
    workers: options.workers,
  });
  const close = async () => {
    await server.close();
    if (databaseUrl && env.DATABASE_URL) await dropScratchDatabase(env.DATABASE_URL, databaseUrl);
  };
  return { ...server, close, logs, request: (path, init) => request(server.url, path, init) };
}

export async function request(base: string, path: string, init: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { origin: TEST_ORIGIN, ...init.headers };
  if (init.cookie) headers.cookie = init.cookie;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (body ? "POST" : "GET"),
    headers,
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json") && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** Signs a new user up and returns the session cookie to send on later requests. */
export async function signUp(server: ServerClient, name = "Ada Lovelace") {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${randomBytes(4).toString("hex")}@example.com`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const response = await server.request("/api/auth/sign-up/email", { body: { name, email, password } });
  if (response.status !== 200) throw new Error(`sign-up failed: ${response.status} ${response.text}`);
  const cookie = (response.headers.getSetCookie() ?? []).map((c) => c.split(";")[0]).join("; ");
  return { cookie, email, password, user: response.body.user as { id: string } };
}

export async function createScratchDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropScratchDatabase(adminUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface Tenant {
  cookie: string;
  userId: string;
  email: string;
  orgId: string;
  projectId: string;
  apiKey: string;
  apiKeyId: string;
}

/** A user with an organization, a project and an API key, all made through the API. */
export async function createTenant(server: ServerClient, name = "Tenant"): Promise<Tenant> {
  const { cookie, user, email } = await signUp(server, name);
  const must = async (path: string, body: unknown) => {
    const res = await server.request(path, { body, cookie });
    if (res.status !== 201) throw new Error(`POST ${path} failed: ${res.status} ${res.text}`);
    return res.body;
  };
  const org = await must("/api/organizations", { name: `${name} Shop` });
  const project = await must(`/api/organizations/${org.id}/projects`, { name: `${name} Store` });
  const key = await must(`/api/projects/${project.id}/api-keys`, { name: "ingest" });
  return {
    cookie,
    userId: user.id,
    email,
    orgId: org.id,
    projectId: project.id,
    apiKey: key.key,
    apiKeyId: key.id,
  };
}

/** Sets an organization's plan directly (billing is not part of these tests). */
export async function setPlan(
  server: TestServer,
  orgId: string,
  plan: "free" | "starter" | "pro" | "enterprise",
) {
  await server.app.db.knex("organization").where({ id: orgId }).update({ plan });
}

/** Invites a new user into the tenant's organization with `role`, signs them up and accepts. */
export async function addMember(
  server: TestServer,
  tenant: Tenant,
  role: "owner" | "admin" | "member",
  name = "Member",
) {
  const person = await signUp(server, name);
  const invite = await server.request(`/api/organizations/${tenant.orgId}/invitations`, {
    body: { email: person.email, role },
    cookie: tenant.cookie,
  });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${invite.text}`);
  const accepted = await server.request(`/api/invitations/${invite.body.id}/accept`, {
    method: "POST",
    cookie: person.cookie,
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${accepted.text}`);
  return { ...person, memberId: accepted.body.id as string, invitationId: invite.body.id as string };
}

/** Sends records through the ingest API with the tenant's key; returns the accepted job. */
export async function ingest(
  server: ServerClient,
  tenant: Tenant,
  records: Record<string, unknown>[],
  extra: { batch_id?: string; run_id?: string; final?: boolean; headers?: Record<string, string> } = {},
) {
  const { headers, ...fields } = extra;
  const res = await server.request("/api/v1/ingest", {
    body: { project_id: tenant.projectId, records, ...fields },
    headers: { authorization: `Bearer ${tenant.apiKey}`, ...headers },
  });
  if (res.status !== 202) throw new Error(`ingest failed: ${res.status} ${res.text}`);
  return res.body as { job_id: string; file_id: string; run_id: string; status: string };
}

/** Polls a job's persisted status until it settles (completed, failed or skipped). */
export async function waitForJob(server: ServerClient, tenant: Tenant, jobId: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await server.request(`/api/engine/jobs/${jobId}/status`, { cookie: tenant.cookie });
    if (["completed", "failed", "skipped"].includes(res.body?.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not settle: ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls a pipeline run until it ends (completed, failed or skipped); returns it with its stages. */
export async function waitForRun(server: ServerClient, tenant: Tenant, runId: string, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await server.request(`/api/engine/runs/${runId}`, { cookie: tenant.cookie });
    if (["completed", "failed", "skipped"].includes(res.body?.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Follows a job through the pipeline's next stages to the last one; returns every stage's final status. */
export async function followPipeline(
  server: ServerClient,
  tenant: Tenant,
  firstJobId: string,
  timeoutMs = 120_000,
) {
  const stages = [];
  let id: string | undefined = firstJobId;
  while (id) {
    const job = await waitForJob(server, tenant, id, timeoutMs);
    stages.push(job);
    id = job.result?.next_job_id;
  }
  return stages;
}
