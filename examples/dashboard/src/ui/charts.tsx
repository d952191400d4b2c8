import type { Schema } from "@segmento/sdk";
import { useApp } from "../state.js";
import { ChartView } from "./chart.js";

type Overview = Schema<"ProjectOverview">;

const PALETTE = ["#3b3fd8", "#0f8b8d", "#e0752d", "#b83280", "#2f855a", "#805ad5", "#c05621", "#2b6cb0"];

/** Customers per segment, as horizontal bars. */
export function SegmentSizesChart({ segments }: { segments: { label: string; count: number }[] }) {
  const { t, fmt } = useApp();
  const summary = segments.map((s) => `${s.label}: ${fmt.number(s.count)}`).join(", ");
  return (
    <ChartView
      label={`${t("chart.segmentSizes")}. ${summary}`}
      height={Math.max(160, 44 * segments.length + 40)}
      config={{
        type: "bar",
        data: {
          labels: segments.map((s) => s.label),
          datasets: [
            {
              label: t("chart.customers"),
              data: segments.map((s) => s.count),
              backgroundColor: segments.map((_, i) => PALETTE[i % PALETTE.length]!),
            },
          ],
        },
        options: { indexAxis: "y", plugins: { legend: { display: false } } },
      }}
    />
  );
}

/** Scores 1 to 5 on an axis padded by one on each side, so the largest bubbles fit. */
const scoreTicks = {
  stepSize: 1,
  callback: (value: string | number) => (value === 0 || value === 6 ? "" : value),
};

/** Customers per (R score, F score) cell: bubbles on the 5 x 5 grid, area by count. */
export function RfmGridChart({ grid }: { grid: Overview["rfm_grid"] }) {
  const { t, fmt } = useApp();
  const max = Math.max(1, ...grid.map((cell) => cell.count));
  const busiest = [...grid].sort((a, b) => b.count - a.count).slice(0, 3);
  const summary = busiest.map((c) => `R${c.r_score} F${c.f_score}: ${fmt.number(c.count)}`).join(", ");
  return (
    <ChartView
      label={`${t("chart.rfmGrid")}. ${summary}`}
      height={320}
      config={{
        type: "bubble",
        data: {
          datasets: [
            {
              label: t("chart.customers"),
              data: grid.map((cell) => ({
                x: cell.f_score,
                y: cell.r_score,
                r: cell.count === 0 ? 0 : 4 + 22 * Math.sqrt(cell.count / max),
                count: cell.count,
              })),
              backgroundColor: "rgba(59, 63, 216, 0.55)",
              borderColor: "#3b3fd8",
            },
          ],
        },
        options: {
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: (item) => {
                  const point = item.raw as { x: number; y: number; count: number };
                  return `R${point.y} F${point.x}: ${fmt.number(point.count)}`;
                },
              },
            },
          },
          scales: {
            x: {
              min: 0,
              max: 6,
              ticks: scoreTicks,
              title: { display: true, text: t("chart.fScore") },
            },
            y: {
              min: 0,
              max: 6,
              ticks: scoreTicks,
              title: { display: true, text: t("chart.rScore") },
            },
          },
        },
      }}
    />
  );
}

/** Counts per bucket (churn risk, ABC class) as vertical bars. */
export function BucketChart({
  title,
  buckets,
}: {
  title: string;
  buckets: { label: string; count: number }[];
}) {
  const { fmt } = useApp();
  return (
    <ChartView
      label={`${title}. ${buckets.map((b) => `${b.label}: ${fmt.number(b.count)}`).join(", ")}`}
      height={200}
      config={{
        type: "bar",
        data: {
          labels: buckets.map((b) => b.label),
          datasets: [
            {
              label: title,
              data: buckets.map((b) => b.count),
              backgroundColor: PALETTE.slice(0, buckets.length),
            },
          ],
        },
        options: { plugins: { legend: { display: false } } },
      }}
    />
  );
}

/** The k-selection curves: inertia (elbow) and silhouette per k tried, on two axes. */
export function KSelectionChart({ kmeans }: { kmeans: Schema<"KMeansSummary"> }) {
  const { t, fmt } = useApp();
  const points = [...kmeans.diagnostics].sort((a, b) => a.k - b.k);
  return (
    <ChartView
      label={t("chart.kSelection", {
        k: kmeans.k,
        values: points.map((p) => `k=${p.k}: ${fmt.number(p.silhouette, 3)}`).join(", "),
      })}
      height={280}
      config={{
        type: "line",
        data: {
          labels: points.map((p) => String(p.k)),
          datasets: [
            {
              label: t("chart.inertia"),
              data: points.map((p) => p.inertia),
              borderColor: PALETTE[0],
              yAxisID: "inertia",
            },
            {
              label: t("chart.silhouette"),
              data: points.map((p) => p.silhouette),
              borderColor: PALETTE[2],
              yAxisID: "silhouette",
            },
          ],
        },
        options: {
          scales: {
            x: { title: { display: true, text: "k" } },
            inertia: { type: "linear", position: "left", title: { display: true, text: t("chart.inertia") } },
            silhouette: {
              type: "linear",
              position: "right",
              grid: { drawOnChartArea: false },
              title: { display: true, text: t("chart.silhouette") },
            },
          },
        },
      }}
    />
  );
}

/** Each candidate model's metric as horizontal bars: the chosen one in the brand colour, baselines in grey. */
export function CandidatesChart({
  title,
  candidates,
}: {
  title: string;
  candidates: { label: string; value: number | null; baseline: boolean; chosen: boolean }[];
}) {
  const { t, fmt } = useApp();
  const measured = candidates.filter((c) => c.value !== null);
  if (measured.length === 0) return null;
  const colour = (c: (typeof candidates)[number]) =>
    c.chosen ? PALETTE[0]! : c.baseline ? "#a0a4b8" : PALETTE[1]!;
  return (
    <ChartView
      label={t("chart.candidates", {
        title,
        values: measured.map((c) => `${c.label}: ${fmt.number(c.value!, 3)}`).join(", "),
      })}
      height={Math.max(140, 36 * measured.length + 40)}
      config={{
        type: "bar",
        data: {
          labels: measured.map((c) => c.label),
          datasets: [
            {
              label: title,
              data: measured.map((c) => c.value!),
              backgroundColor: measured.map(colour),
            },
          ],
        },
        options: { indexAxis: "y", plugins: { legend: { display: false } } },
      }}
    />
  );
}

/** The incremental purchases on a Qini curve at a share targeted: linear between its points, as it is drawn. */
export function incrementalAt(points: Schema<"QiniPoint">[], share: number): number {
  const after = points.findIndex((p) => p.share >= share);
  if (after <= 0) return after === 0 ? points[0]!.incremental : points.at(-1)!.incremental;
  const a = points[after - 1]!;
  const b = points[after]!;
  return a.incremental + ((b.incremental - a.incremental) * (share - a.share)) / (b.share - a.share);
}

/** Shares targeted that the chart's text alternative reads the two lines at. */
const QINI_READINGS = [0.1, 0.3, 0.5];

/**
 * The served model's Qini curve on the held-out split against random targeting's straight line: x is the share of
 * customers targeted by score, y the incremental purchases among them. The text alternative reads both lines at a
 * few shares; the figure's caption (the caller's) gives the Qini coefficient.
 */
export function QiniChart({ curve }: { curve: Schema<"QiniCurve"> }) {
  const { t, fmt } = useApp();
  // x in percent, so the axis steps by whole tens.
  const line = (points: Schema<"QiniPoint">[]) => points.map((p) => ({ x: p.share * 100, y: p.incremental }));
  const percentOf = (x: number) => fmt.percent(x / 100);
  const readings = QINI_READINGS.map((share) =>
    t("chart.qiniReading", {
      share: fmt.percent(share),
      model: fmt.number(incrementalAt(curve.points, share), 1),
      random: fmt.number(incrementalAt(curve.random, share), 1),
    }),
  ).join("; ");
  return (
    <ChartView
      label={t("chart.qini", { readings, all: fmt.number(curve.random[1]!.incremental, 1) })}
      height={280}
      config={{
        type: "line",
        data: {
          datasets: [
            {
              label: t("chart.qiniModel"),
              data: line(curve.points),
              borderColor: PALETTE[0],
              backgroundColor: PALETTE[0],
              pointRadius: 0,
            },
            {
              label: t("chart.qiniRandom"),
              data: line(curve.random),
              borderColor: "#6b7085",
              backgroundColor: "#6b7085",
              borderDash: [6, 4],
              pointRadius: 0,
              // Drawn over the model's line, so it stays visible where the two coincide (no heterogeneity).
              order: -1,
            },
          ],
        },
        options: {
          interaction: { mode: "nearest", axis: "x", intersect: false },
          plugins: {
            tooltip: {
              callbacks: {
                title: (items) => t("chart.qiniTargeted", { share: percentOf(items[0]?.parsed.x ?? 0) }),
                label: (item) => `${item.dataset.label}: ${fmt.number(item.parsed.y ?? 0, 1)}`,
              },
            },
          },
          scales: {
            x: {
              type: "linear",
              min: 0,
              max: 100,
              ticks: { stepSize: 10, callback: (value: string | number) => percentOf(Number(value)) },
              title: { display: true, text: t("chart.qiniShare") },
            },
            y: { title: { display: true, text: t("chart.qiniIncremental") } },
          },
        },
      }}
    />
  );
}
