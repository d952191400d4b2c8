/**
 * The main job, end to end on the embedded default (no database to install): starts the server, signs a user
 * up, calls the API and prints what it answered. Later releases grow it into the full ingest -> segments flow.
 */
import { randomBytes } from "node:crypto";
import type { components } from "@segmento/sdk/schema";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/server.js";

type Schemas = components["schemas"];

const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;

async function main() {
  const started = performance.now();
  const config = loadConfig({
    ...process.env,
    PORT: process.env.PORT ?? "0",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });
  console.log(bold("Segmento demo"));
  console.log(
    dim(
      `Starting the server (${config.databaseUrl ? "PostgreSQL" : `embedded PGlite in ${config.dataDir}`})...`,
    ),
  );
  const server = await startServer(config);
  const origin = new URL(config.publicUrl).origin;
  const call = async <T>(method: string, path: string, body?: unknown, cookie?: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        origin,
        ...(body ? { "content-type": "application/json" } : {}),
        ...(cookie ? { cookie } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await response.json()) as T;
    return { status: response.status, json, cookies: response.headers.getSetCookie() };
  };

  try {
    console.log(`Server up at ${server.url}\n`);

    const health = await call<Schemas["Health"]>("GET", "/api/health");
    console.log(bold("GET /api/health"), health.status);
    const deps = health.json.dependencies;
    console.log(
      `  mode ${health.json.mode}; database ${deps.database.kind} ${deps.database.status} (${deps.database.latencyMs} ms); jobs ${deps.queue.kind} ${deps.queue.status}\n`,
    );

    const email = `demo.${randomBytes(4).toString("hex")}@example.com`;
    const signUp = await call<{ user: Schemas["User"] }>("POST", "/api/auth/sign-up/email", {
      name: "Demo Shop Owner",
      email,
      password: randomBytes(12).toString("hex"),
    });
    console.log(bold("POST /api/auth/sign-up/email"), signUp.status);
    console.log(`  signed up ${signUp.json.user.email} (user ${signUp.json.user.id})`);
    const cookie = signUp.cookies.map((c) => c.split(";")[0]).join("; ");

    const session = await call<{ user: Schemas["User"]; session: Schemas["Session"] }>(
      "GET",
      "/api/auth/get-session",
      undefined,
      cookie,
    );
    console.log(bold("GET /api/auth/get-session"), session.status);
    console.log(`  session for ${session.json.user.name}, expires ${session.json.session.expiresAt}\n`);

    const org = await call<Schemas["Organization"]>(
      "POST",
      "/api/organizations",
      { name: "Demo Shop" },
      cookie,
    );
    console.log(bold("POST /api/organizations"), org.status);
    console.log(`  ${org.json.name} (${org.json.slug}), plan ${org.json.plan}, you are ${org.json.role}`);
    const project = await call<Schemas["Project"]>(
      "POST",
      `/api/organizations/${org.json.id}/projects`,
      { name: "Online store" },
      cookie,
    );
    console.log(bold("POST /api/organizations/{orgId}/projects"), project.status);
    console.log(
      `  project ${project.json.id}: k from ${project.json.settings.kMin} to ${project.json.settings.kMax}`,
    );
    const key = await call<Schemas["ApiKeyCreated"]>(
      "POST",
      `/api/projects/${project.json.id}/api-keys`,
      { name: "Demo ingest" },
      cookie,
    );
    console.log(bold("POST /api/projects/{projectId}/api-keys"), key.status);
    console.log(`  ${key.json.keyPrefix}... (the full key is shown once; only its SHA-256 is stored)\n`);

    const plans = await call<{ plans: Schemas["Plan"][] }>("GET", "/api/plans");
    console.log(bold("GET /api/plans"), plans.status);
    for (const plan of plans.json.plans) {
      const rows = plan.limits.rows === null ? "unlimited" : plan.limits.rows.toLocaleString("en-US");
      console.log(`  ${plan.name.padEnd(11)} $${String(plan.priceMonthlyUsd).padStart(3)}/mo  rows ${rows}`);
    }

    const contact = await call<Schemas["ContactReceipt"]>("POST", "/api/contact", {
      name: "Demo Shop Owner",
      email,
      message: "Hello from the Segmento demo: everything is up.",
    });
    console.log(`\n${bold("POST /api/contact")} ${contact.status}`);
    console.log(`  message ${contact.json.id} ${contact.json.status} (no SMTP_URL: kept in the outbox)`);

    const invalid = await call<Schemas["GatewayError"]>("POST", "/api/contact", {
      name: "D",
      email: "nope",
      message: "hi",
    });
    console.log(`\n${bold("POST /api/contact")} with bad input -> ${invalid.status} ${invalid.json.code}`);
    for (const detail of invalid.json.details ?? []) console.log(`  ${detail.field}: ${detail.message}`);

    console.log(dim(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
