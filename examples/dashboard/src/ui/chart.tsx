import type { ChartConfiguration } from "chart.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorNote } from "./feedback.js";

/**
 * A Chart.js chart, loaded on first use (Chart.js is its own chunk, outside the first load). The canvas is an
 * image to assistive technology, named by `label`, which should say what the chart shows.
 */
export function ChartView({
  config,
  label,
  height = 260,
}: {
  config: ChartConfiguration;
  label: string;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const key = JSON.stringify(config);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let gone = false;
    import("./chart-setup.js").then(
      ({ Chart }) => {
        if (gone || !canvas.current) return;
        chart = new Chart(canvas.current, config);
        setReady(true);
      },
      (reason: unknown) => setError(reason),
    );
    return () => {
      gone = true;
      chart?.destroy();
    };
  }, [key]);
  return (
    <div class="chart" style={{ height: `${height}px` }} data-ready={ready ? "true" : "false"}>
      <ErrorNote error={error} />
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
