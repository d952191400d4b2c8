/**
 * The main job, end to end through @segmento/sdk on the embedded default (no database to install): a seeded
 * synthetic shop (a few thousand customers with purchase rhythms, returns and one campaign with a control
 * group) is sent through the ingest API with a progress bar, the pipeline is followed to its end, and the
 * results are reported: segments, churn risk, ABC classes, the customers most likely to churn and who is like
 * them. Set DATABASE_URL / REDIS_URL to run the same on PostgreSQL + Redis.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { type Input, Segmento } from "../../sdk/src/index.js";
import { loadConfig } from "../../server/src/config.js";
import { startServer } from "../../server/src/server.js";
import { syntheticShop } from "../../server/src/synthetic/shop.js";
import { freePort } from "./free-port.js";

const ORIGIN = "http://localhost:5173";
const CUSTOMERS = Number(process.env.DEMO_CUSTOMERS ?? 3000);
/** `--serve`: leave the server running at the end and print the dashboard's URL and the demo user's login. */
const SERVE = process.argv.includes("--serve");
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const bar = (pct: number) =>
  `[${"#".repeat(Math.round(pct / 4)).padEnd(25, ".")}] ${String(pct).padStart(3)}%`;
const money = (n: number) => `$${n.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;

async function main() {
  const started = performance.now();
  const port = process.env.PORT ?? (SERVE ? String(await freePort()) : "0");
  const config = loadConfig({
    ...process.env,
    PORT: port,
    ...(SERVE && { PUBLIC_URL: process.env.PUBLIC_URL ?? `http://127.0.0.1:${port}` }),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    TRUSTED_ORIGINS: ORIGIN,
    SEGMENTATION_DEBOUNCE_MS: "200",
  });
  console.log(bold("Segmento demo"));
  console.log(
    dim(
      `Starting the server (${config.databaseUrl ? "PostgreSQL" : `embedded PGlite in ${config.dataDir}`})...`,
    ),
  );
  const server = await startServer(config);
  try {
    // A shop owner signs up and sets up a project with a session, then the shop's backend uses an API key.
    const owner = new Segmento({ baseUrl: server.url, origin: ORIGIN });
    const email = `demo.${randomBytes(4).toString("hex")}@example.com`;
    const password = randomBytes(12).toString("hex");
    await owner.auth.signUp({ name: "Demo Shop Owner", email, password });
    const org = await owner.organizations.create({ name: "Demo Shop" });
    const project = await owner.projects.create(org.id, { name: "Online store" });
    const { key, keyPrefix } = await owner.apiKeys.create(project.id, { name: "Demo backend" });
    console.log(
      `Signed up ${email}; organization ${org.slug} (${org.plan} plan), project ${project.id}, key ${keyPrefix}...`,
    );

    const shop = new Segmento({ baseUrl: server.url, apiKey: key });
    const records = syntheticShop({ customers: CUSTOMERS, seed: 2026 });
    console.log(
      `\n${bold("Ingest")} ${records.length.toLocaleString("en-US")} records for ${CUSTOMERS.toLocaleString("en-US")} customers`,
    );
    // However many batches the records take, they are one run: one segmentation and one model run, followed
    // through every stage over one stream.
    let batches = 0;
    const run = await shop.ingest.send(project.id, records as Input<"IngestRecord">[], {
      batchId: "demo",
      wait: "run",
      onBatch: (_accepted, _index, total) => {
        batches = total;
      },
      onProgress: (event) => {
        const stage = event.stage ?? "";
        process.stdout.write(
          `\r  ${bar(event.pct)} ${stage.padEnd(12)} ${event.message.slice(0, 48).padEnd(48)}`,
        );
      },
    });
    process.stdout.write("\n");
    const ingests = run.stages.filter((stage) => stage.stage === "ingest").length;
    console.log(`  run ${run.run_id} ${run.status}: ${batches} batch(es), ${ingests} ingest job(s)`);
    for (const stage of run.stages) {
      const took = stage.duration_ms === null ? "" : `${(stage.duration_ms / 1000).toFixed(1)} s`;
      console.log(
        dim(`    ${stage.stage.padEnd(12)} ${stage.status.padEnd(10)} ${took.padStart(7)}  ${stage.message}`),
      );
    }
    if (run.status !== "completed") {
      console.log(`\n${bold("The pipeline did not complete:")} ${run.status} — ${run.message}`);
      process.exitCode = 1;
      return;
    }

    const overview = await shop.projects.overview(project.id);
    console.log(`\n${bold("Segments")} ${dim(`(${overview.kmeans?.reason ?? "no clustering yet"})`)}`);
    const { segments } = await shop.segments.list(project.id);
    for (const s of segments) {
      console.log(
        `  ${s.name.padEnd(22)} ${String(s.customer_count).padStart(6)} customers   recency ${s.stats.avg_recency_days.toFixed(0).padStart(4)} d   frequency ${s.stats.avg_frequency.toFixed(1).padStart(5)}   monetary ${money(s.stats.avg_monetary).padStart(8)}`,
      );
      if (s.description) console.log(dim(`  ${" ".repeat(22)} ${s.description}`));
    }
    const { churn_risk: risk, abc } = overview;
    console.log(
      `\n${bold("Churn risk")} low ${risk.low}, medium ${risk.medium}, high ${risk.high}  ${dim(`(model: ${overview.models.churn?.model}, backtest AUC ${overview.models.churn?.auc?.toFixed(3) ?? "n/a"})`)}`,
    );
    console.log(
      `${bold("ABC classes")} A ${abc.A}, B ${abc.B}, C ${abc.C}  ${dim("(A = the customers who bring 80 % of revenue)")}`,
    );
    const uplift = overview.models.uplift;
    if (uplift) {
      console.log(
        `${bold("Campaign uplift")} ${uplift.qini !== null ? `Qini ${uplift.qini.toFixed(4)}, uplift@30% ${(uplift.uplift_at_30 ?? 0).toFixed(3)}` : uplift.reason}`,
      );
    }

    console.log(`\n${bold("Most likely to churn")} and who is like them`);
    const top = await shop.customers.list(project.id, { sort_by: "churn_score", sort_dir: "desc", limit: 5 });
    for (const c of top.customers) {
      const { similar } = await shop.customers.similar(c.id, { limit: 3 });
      console.log(
        `  ${c.customer_id}  churn ${(c.churn_score ?? 0).toFixed(2)} (${c.churn_risk})  ${c.segment_label}  spent ${money(c.rfm_monetary)}  last seen ${c.rfm_recency_days} d ago`,
      );
      console.log(
        dim(
          `    similar: ${similar.map((s) => `${s.customer.customer_id} (${s.similarity.toFixed(3)})`).join(", ")}`,
        ),
      );
    }
    console.log(dim(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
    if (SERVE) {
      serveDashboard(server, config.publicUrl, config.dashboardDir, { email, password });
      return;
    }
  } catch (error) {
    await server.close();
    throw error;
  }
  await server.close();
}

/** Keeps the server up for the dashboard until Ctrl-C, and says how to get in. */
function serveDashboard(
  server: Awaited<ReturnType<typeof startServer>>,
  publicUrl: string,
  dashboardDir: string,
  login: { email: string; password: string },
) {
  console.log(`\n${bold("Dashboard")} ${publicUrl}/`);
  console.log(`  sign in as ${login.email} with password ${login.password}`);
  if (!existsSync(path.join(dashboardDir, "index.html"))) {
    console.log(dim("  (not built yet: run `npm run build:dashboard`, then reload)"));
  }
  console.log(dim("The server keeps running; Ctrl-C stops it."));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
