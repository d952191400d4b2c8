/**
 * npm run bench:models — time and memory of the Engine's pure model fits on synthetic shops of growing size
 * (server/src/synthetic/shop.ts, about 10 orders per customer, returns and a campaign with a control group):
 * timelines, churn, CLV, uplift, k-means with automatic k and segment names. Each size runs in its own process
 * (clean memory peaks); the figures are printed as ratios against the smallest size measured in the same run, so
 * growth with data is visible whatever the machine. The fits learn from bounded samples, so time should grow
 * about linearly (scoring everyone) and sublinearly at first.
 *
 *   SIZES=10000,100000 npm run bench:models
 */
import { fileURLToPath } from "node:url";
import { predictChurn } from "../server/src/engine/churn.js";
import { predictLifetimeValue } from "../server/src/engine/clv.js";
import { buildTimelines, type Transaction } from "../server/src/engine/customer-timeline.js";
import type { ExtraFields } from "../server/src/engine/extra-fields.js";
import { clusterCustomers, scaleFeatures } from "../server/src/engine/kmeans.js";
import { rfmAsOf } from "../server/src/engine/rfm.js";
import { nameSegments, type RfmValues } from "../server/src/engine/segment-names.js";
import { type Exposure, estimateCampaignUplift } from "../server/src/engine/uplift.js";
import { syntheticShopRecords } from "../server/src/synthetic/shop.js";
import { runSizeInChildProcess, sizeArgument } from "./sizes.js";

const END = new Date(Date.UTC(2026, 10, 1));
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

function runSize(customers: number) {
  const transactions: Transaction[] = [];
  const exposures: Exposure[] = [];
  const extra = new Map<string, ExtraFields>();
  for (const r of syntheticShopRecords({ customers, seed: 11, end: END })) {
    const customerId = String(r.customer_id);
    if (r.type === "campaign_exposure") {
      exposures.push({
        customerId,
        campaignId: String(r.campaign_id),
        exposedAt: new Date(String(r.exposed_at)),
        group: r.group === "control" ? "control" : "treatment",
      });
      continue;
    }
    transactions.push({
      customerId,
      at: new Date(String(r.order_date)),
      amount: Number(r.amount),
      orderId: String(r.order_id),
      isReturn: r.status === "returned",
    });
    extra.set(customerId, { country: String(r.country) });
  }
  const figures: { stage: string; ms: number; rssMb: number }[] = [];
  const stage = <T>(name: string, work: () => T): T => {
    const started = performance.now();
    const result = work();
    figures.push({ stage: name, ms: Math.round(performance.now() - started), rssMb: rssMb() });
    return result;
  };
  const seed = 1;
  const timelines = stage("timelines", () => buildTimelines(transactions, extra));
  const churn = stage("churn", () =>
    predictChurn(timelines, {
      referenceDate: END,
      horizonDays: 90,
      thresholds: { medium: 0.5, high: 0.8 },
      seed,
    }),
  );
  const clv = stage("clv", () =>
    predictLifetimeValue(timelines, { referenceDate: END, horizonDays: 365, seed }),
  );
  const uplift = stage("uplift", () =>
    estimateCampaignUplift(exposures, timelines, { referenceDate: END, windowDays: 30, seed }),
  );
  const segments = stage("segments", () => {
    const rfm: RfmValues[] = [];
    for (const t of timelines) {
      const r = rfmAsOf(t, END.getTime());
      if (r.recencyDays !== null)
        rfm.push({ recencyDays: r.recencyDays, frequency: r.frequency, monetary: r.monetary });
    }
    const { scaled } = scaleFeatures(
      rfm.map((c) => [c.recencyDays, c.frequency, Math.max(0, c.monetary)]),
      [true, true, true],
    );
    const clustering = clusterCustomers(scaled, { kMin: 2, kMax: 8, seed });
    return { k: clustering.k, names: nameSegments(rfm, clustering.labels, clustering.k).map((n) => n.label) };
  });
  console.log(
    JSON.stringify({
      customers,
      transactions: transactions.length,
      exposures: exposures.length,
      figures,
      churn: `${churn.model} AUC ${churn.auc?.toFixed(3)} on ${churn.sample.used} of ${churn.sample.available}`,
      clv: `${clv.model} Spearman ${clv.spearman?.toFixed(3)} on ${clv.sample.used} of ${clv.sample.available}`,
      uplift:
        uplift.status === "estimated"
          ? `${uplift.model} on ${uplift.sample.used} of ${uplift.sample.available}`
          : uplift.reason,
      segments: `k ${segments.k}: ${segments.names.join(", ")}`,
    }),
  );
}

function main() {
  const sizes = (process.env.SIZES ?? "10000,100000").split(",").map(Number);
  const self = fileURLToPath(import.meta.url);
  console.log(`Segmento model bench: pure engine fits on synthetic shops of ${sizes.join(", ")} customers`);
  const rows: { customers: number; figures: { stage: string; ms: number; rssMb: number }[] }[] = [];
  for (const size of sizes) {
    const row = runSizeInChildProcess(self, size);
    rows.push(row);
    console.log(
      `\n${size.toLocaleString("en-US")} customers, ${row.transactions.toLocaleString("en-US")} transactions, ${row.exposures.toLocaleString("en-US")} exposures`,
    );
    for (const f of row.figures)
      console.log(
        `  ${f.stage.padEnd(10)} ${(f.ms / 1000).toFixed(1).padStart(7)} s   RSS after ${String(f.rssMb).padStart(6)} MB`,
      );
    console.log(
      `  churn: ${row.churn}\n  clv: ${row.clv}\n  uplift: ${row.uplift}\n  segments: ${row.segments}`,
    );
  }
  const base = rows[0]!;
  console.log("\nratio to the smallest shop (data x: time x per stage, RSS x at the end):");
  for (const row of rows) {
    const stages = row.figures
      .map((f, i) => `${f.stage} ${(f.ms / Math.max(base.figures[i]!.ms, 1)).toFixed(1)}x`)
      .join(", ");
    const rss = row.figures.at(-1)!.rssMb / base.figures.at(-1)!.rssMb;
    console.log(
      `  ${row.customers.toLocaleString("en-US").padStart(10)}: data ${(row.customers / base.customers).toFixed(0)}x: ${stages}; RSS ${rss.toFixed(1)}x`,
    );
  }
  console.log(`command: SIZES=${sizes.join(",")} npm run bench:models`);
}

const size = sizeArgument();
if (size !== null) runSize(size);
else main();
