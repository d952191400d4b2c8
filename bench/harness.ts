import { randomBytes, randomUUID } from "node:crypto";
import { type Config, loadConfig } from "../server/src/config.js";
import { startServer } from "../server/src/server.js";

const ORIGIN = "http://localhost:5173";

/**
 * A server for a benchmark run (the real services when DATABASE_URL / REDIS_URL are set, else embedded), with
 * a signed-up owner, an organization on the enterprise plan (no quota gets in the way), a project and an API key.
 */
export async function benchServer(overrides: Partial<Config> = {}, options: { workers?: boolean } = {}) {
  const config = loadConfig(
    { ...process.env, PORT: "0", LOG_LEVEL: "warn", TRUSTED_ORIGINS: ORIGIN },
    {
      authSecret: process.env.BETTER_AUTH_SECRET ?? randomBytes(32).toString("hex"),
      dataDir: `${process.cwd()}/.segmento/bench-${Date.now()}-${process.pid}`,
      rateLimit: { max: 1_000_000, windowMs: 60_000 },
      ...overrides,
    },
  );
  const server = await startServer(config, { workers: options.workers });
  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, string> };
  };
  const signUp = await call("/api/auth/sign-up/email", {
    name: "Bench",
    email: `bench.${randomUUID()}@example.com`,
    password: randomBytes(12).toString("hex"),
  });
  const cookie = (signUp.headers.getSetCookie() ?? []).map((c) => c.split(";")[0]).join("; ");
  const org = await call("/api/organizations", { name: "Bench" }, { cookie });
  await server.app.db.knex("organization").where({ id: org.json.id }).update({ plan: "enterprise" });
  const project = await call(`/api/organizations/${org.json.id}/projects`, { name: "Bench" }, { cookie });
  const key = await call(`/api/projects/${project.json.id}/api-keys`, { name: "bench" }, { cookie });
  return {
    server,
    call,
    cookie,
    projectId: String(project.json.id),
    apiKey: String(key.json.key),
  };
}
