/**
 * The charts of "The Engine explained", drawn at build time from a real run: a seeded synthetic shop (the demo's,
 * 2,000 customers) is sent through the SDK to an embedded server started in this process, the pipeline is followed
 * to its end, and the charts are drawn with ECharts' server-side SVG renderer from what the API returns. Written
 * to docs/public/charts/ (not committed). Same seed, same shop, same charts, except that the k-selection curves
 * can move slightly at larger k: the server seeds K-Means from the project's id, which is new in each build.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Schema, Segmento } from "@segmento/sdk";
import * as echarts from "echarts";
import { loadConfig } from "../../server/src/config.js";
import { startServer } from "../../server/src/server.js";
import { syntheticShop } from "../../server/src/synthetic/shop.js";

const OUT = fileURLToPath(new URL("../docs/public/charts/", import.meta.url));
const CUSTOMERS = 2000;
const SEED = 2026;
const WIDTH = 720;
const HEIGHT = 360;
const DAY = 86_400_000;
/** As the server counts a campaign's outcome (db/campaign-outcomes.ts). */
const CAMPAIGN_WINDOW_DAYS = 30;
const COLORS = ["#3451b2", "#e8a33d", "#2f9e6e", "#c2410c", "#7c3aed", "#0e7490", "#b91c1c", "#4d7c0f"];

type Customer = Schema<"Customer">;
type Overview = Schema<"ProjectOverview">;

function svg(option: echarts.EChartsCoreOption, height = HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height });
  chart.setOption({
    animation: false,
    color: COLORS,
    textStyle: { fontFamily: "Inter, system-ui, sans-serif" },
    grid: { left: 64, right: 32, top: 48, bottom: 56 },
    ...option,
  });
  const out = chart.renderToSVGString();
  chart.dispose();
  return out;
}

const axisName = (name: string) => ({ name, nameLocation: "middle" as const, nameGap: 32 });

export function segmentSizes(overview: Overview): string {
  const segments = [...overview.segments].sort((a, b) => b.count - a.count);
  return svg({
    title: { text: "Customers per segment", left: "center", textStyle: { fontSize: 14 } },
    xAxis: { type: "category", data: segments.map((s) => s.label), axisLabel: { interval: 0 } },
    yAxis: { type: "value", ...axisName("customers"), nameGap: 44 },
    series: [{ type: "bar", data: segments.map((s) => s.count), label: { show: true, position: "top" } }],
  });
}

export function rfmGrid(overview: Overview): string {
  const cells = overview.rfm_grid.map((c) => [c.f_score - 1, c.r_score - 1, c.count]);
  return svg(
    {
      title: { text: "Customers per R and F score", left: "center", textStyle: { fontSize: 14 } },
      grid: { left: 80, right: 100, top: 48, bottom: 56 },
      xAxis: { type: "category", data: ["1", "2", "3", "4", "5"], ...axisName("F score (frequency)") },
      yAxis: {
        type: "category",
        data: ["1", "2", "3", "4", "5"],
        ...axisName("R score (recency)"),
        nameGap: 40,
      },
      visualMap: {
        min: 0,
        max: Math.max(1, ...cells.map((c) => c[2]!)),
        orient: "vertical",
        calculable: true,
        text: ["more", "fewer"],
        right: 10,
        top: "center",
        inRange: { color: ["#eef1fb", "#3451b2"] },
      },
      series: [{ type: "heatmap", data: cells, label: { show: true } }],
    },
    420,
  );
}

export function churnDistribution(
  customers: Customer[],
  thresholds: { medium: number; high: number },
): string {
  const bins = Array.from({ length: 20 }, () => ({ low: 0, medium: 0, high: 0 }));
  for (const c of customers) {
    if (c.churn_score === null || c.churn_score === undefined || !c.churn_risk) continue;
    bins[Math.min(19, Math.floor(c.churn_score * 20))]![c.churn_risk] += 1;
  }
  const labels = bins.map((_, i) => (i / 20).toFixed(2));
  const line = (value: number, name: string) => ({ xAxis: (Math.floor(value * 20) / 20).toFixed(2), name });
  return svg({
    title: { text: "Churn score distribution and risk buckets", left: "center", textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 64, right: 32, top: 48, bottom: 72 },
    xAxis: { type: "category", data: labels, ...axisName("churn score (lower edge of each 0.05 bin)") },
    yAxis: { type: "value", ...axisName("customers"), nameGap: 44 },
    series: (["low", "medium", "high"] as const).map((risk, i) => ({
      name: `${risk} risk`,
      type: "bar",
      stack: "risk",
      data: bins.map((b) => b[risk]),
      itemStyle: { color: ["#2f9e6e", "#e8a33d", "#b91c1c"][i] },
      ...(i === 0 && {
        markLine: {
          symbol: "none",
          label: { formatter: "{b}" },
          lineStyle: { color: "#555", type: "dashed" },
          data: [
            line(thresholds.medium, `medium ≥ ${thresholds.medium}`),
            line(thresholds.high, `high ≥ ${thresholds.high}`),
          ],
        },
      }),
    })),
  });
}

export function abcPareto(customers: Customer[]): string {
  const values = customers.map((c) => Math.max(0, c.rfm_monetary)).sort((a, b) => b - a);
  const total = values.reduce((s, v) => s + v, 0) || 1;
  let running = 0;
  const points = values.map((v, i) => {
    running += v;
    return [((i + 1) / values.length) * 100, (running / total) * 100];
  });
  const step = Math.max(1, Math.floor(points.length / 200));
  const sampled = points.filter((_, i) => i % step === 0 || i === points.length - 1);
  const firstAt = (share: number) => (points.find((p) => p[1]! >= share)?.[0] ?? 100).toFixed(1);
  return svg({
    title: {
      text: "ABC: share of revenue by share of customers",
      left: "center",
      textStyle: { fontSize: 14 },
    },
    xAxis: { type: "value", max: 100, ...axisName("customers, highest spenders first (%)") },
    yAxis: { type: "value", max: 100, ...axisName("revenue (%)"), nameGap: 40 },
    series: [
      {
        type: "line",
        showSymbol: false,
        data: sampled,
        areaStyle: { opacity: 0.12 },
        markLine: {
          symbol: "none",
          lineStyle: { type: "dashed", color: "#555" },
          label: { formatter: "{b}" },
          data: [
            { yAxis: 80, name: `A: first ${firstAt(80)}% of customers bring 80%` },
            { yAxis: 95, name: `B: up to ${firstAt(95)}% bring 95%` },
          ],
        },
      },
    ],
  });
}

export function kSelection(overview: Overview): string {
  const diagnostics = overview.kmeans?.diagnostics ?? [];
  const chosen = overview.kmeans?.k;
  return svg({
    title: { text: `Choosing k (chosen: k = ${chosen})`, left: "center", textStyle: { fontSize: 14 } },
    legend: { bottom: 0, itemGap: 28 },
    grid: { left: 72, right: 72, top: 48, bottom: 72 },
    xAxis: { type: "category", data: diagnostics.map((d) => String(d.k)), ...axisName("k") },
    yAxis: [
      { type: "value", name: "inertia", nameLocation: "middle", nameGap: 52 },
      { type: "value", name: "silhouette", nameLocation: "middle", nameGap: 44, min: 0 },
    ],
    series: [
      {
        name: "inertia (within-segment spread)",
        type: "line",
        data: diagnostics.map((d) => Math.round(d.inertia)),
        markPoint: chosen
          ? {
              data: [
                {
                  coord: [String(chosen), Math.round(diagnostics.find((d) => d.k === chosen)?.inertia ?? 0)],
                  value: `k=${chosen}`,
                },
              ],
            }
          : undefined,
      },
      {
        name: "silhouette (separation)",
        type: "line",
        yAxisIndex: 1,
        data: diagnostics.map((d) => d.silhouette),
      },
    ],
  });
}

/**
 * The Qini curve over every exposed customer: ranked by the uplift score the API returns, with the group and the
 * outcome (a purchase within 30 days of the exposure) taken from the records this run sent. The server's own Qini
 * figure is measured on a held-out share it does not expose, so this curve is a companion to it, not the same.
 */
export function qiniCurve(customers: Customer[], records: Record<string, string | number>[]): string {
  const exposures = new Map<string, { group: string; at: number }>();
  for (const r of records)
    if (r.type === "campaign_exposure")
      exposures.set(String(r.customer_id), { group: String(r.group), at: Date.parse(String(r.exposed_at)) });
  const bought = new Set<string>();
  for (const r of records) {
    const exposure = exposures.get(String(r.customer_id));
    if (!exposure || r.type === "campaign_exposure" || Number(r.amount) < 0) continue;
    const at = Date.parse(String(r.order_date));
    if (at > exposure.at && at <= exposure.at + CAMPAIGN_WINDOW_DAYS * DAY) bought.add(String(r.customer_id));
  }
  const scored = customers
    .filter((c) => exposures.has(c.customer_id) && typeof c.uplift_score === "number")
    .map((c) => ({
      score: c.uplift_score as number,
      treated: exposures.get(c.customer_id)!.group === "treatment",
      bought: bought.has(c.customer_id),
    }))
    .sort((a, b) => b.score - a.score);
  let treated = 0;
  let control = 0;
  let treatedBuyers = 0;
  let controlBuyers = 0;
  const curve: number[][] = [[0, 0]];
  for (const [i, c] of scored.entries()) {
    if (c.treated) {
      treated++;
      treatedBuyers += Number(c.bought);
    } else {
      control++;
      controlBuyers += Number(c.bought);
    }
    const incremental = control === 0 ? 0 : treatedBuyers - (controlBuyers * treated) / control;
    curve.push([((i + 1) / scored.length) * 100, Math.round(incremental * 10) / 10]);
  }
  const end = curve.at(-1)![1]!;
  return svg({
    title: {
      text: "Qini curve of the campaign's uplift scores",
      left: "center",
      textStyle: { fontSize: 14 },
    },
    legend: { bottom: 0, itemGap: 28 },
    grid: { left: 72, right: 32, top: 48, bottom: 72 },
    xAxis: {
      type: "value",
      max: 100,
      ...axisName("exposed customers targeted, highest uplift score first (%)"),
    },
    yAxis: { type: "value", ...axisName("incremental purchases"), nameGap: 48 },
    series: [
      { name: "by uplift score", type: "line", showSymbol: false, data: curve },
      {
        name: "random targeting",
        type: "line",
        showSymbol: false,
        lineStyle: { type: "dashed" },
        data: [
          [0, 0],
          [100, end],
        ],
      },
    ],
  });
}

export async function generateCharts(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "segmento-docs-charts-"));
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    PORT: "0",
    LOG_LEVEL: "warn",
    SEGMENTO_DATA_DIR: dataDir,
    SEGMENTATION_DEBOUNCE_MS: "200",
  });
  const server = await startServer(config);
  try {
    const owner = new Segmento({ baseUrl: server.url, origin: config.publicUrl });
    await owner.auth.signUp({
      name: "Docs charts",
      email: "charts@example.com",
      password: randomBytes(12).toString("hex"),
    });
    const org = await owner.organizations.create({ name: "Charts shop" });
    const project = await owner.projects.create(org.id, { name: "Charts" });
    const { key } = await owner.apiKeys.create(project.id, { name: "charts" });
    const shop = new Segmento({ baseUrl: server.url, apiKey: key });
    const records = syntheticShop({ customers: CUSTOMERS, seed: SEED });
    const batches = await shop.ingest.send(project.id, records as Parameters<typeof shop.ingest.send>[1], {
      batchId: "charts",
    });
    let next: string | undefined = batches.at(-1)!.job_id;
    while (next) {
      const job = await shop.jobs.wait(next, { timeoutMs: 600_000 });
      next = (job.result as { next_job_id?: string } | null)?.next_job_id;
    }
    const overview = await shop.projects.overview(project.id);
    const customers: Customer[] = [];
    for await (const customer of shop.customers.list(project.id, { limit: 500 })) customers.push(customer);
    mkdirSync(OUT, { recursive: true });
    const charts: Record<string, string> = {
      "segment-sizes": segmentSizes(overview),
      "rfm-grid": rfmGrid(overview),
      "churn-distribution": churnDistribution(customers, project.settings.churnThresholds),
      "abc-pareto": abcPareto(customers),
      "k-selection": kSelection(overview),
      "qini-curve": qiniCurve(customers, records),
    };
    for (const [name, content] of Object.entries(charts))
      writeFileSync(path.join(OUT, `${name}.svg`), content);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await generateCharts();
