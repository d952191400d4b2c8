import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Latency buckets from 5 ms to 10 s (HTTP), and from 50 ms to 20 minutes (jobs and Engine tasks). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WORK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200];

/**
 * The process's Prometheus metrics, one registry per context (tests run several servers in one process):
 * HTTP traffic by operationId, jobs by queue and state, job and Engine task durations, deliveries by channel
 * and outcome, rate-limit and quota rejections, and node's own process metrics.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: "segmento_http_requests_total",
    help: "HTTP requests answered, by operationId (or route_not_found) and status.",
    labelNames: ["operation", "method", "status"] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: "segmento_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by operationId and status.",
    labelNames: ["operation", "method", "status"] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly rejections = new Counter({
    name: "segmento_rejections_total",
    help: "Requests refused with 429: reason rate_limited (transport limit) or quota_exceeded (plan quota).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: "segmento_job_duration_seconds",
    help: "Time a job attempt ran in this process, by queue (job type) and outcome.",
    labelNames: ["queue", "outcome"] as const,
    buckets: WORK_BUCKETS,
    registers: [this.registry],
  });

  readonly engineTaskDuration = new Histogram({
    name: "segmento_engine_task_duration_seconds",
    help: "Time an Engine stage's computation (model fit, clustering, scoring) took, by task.",
    labelNames: ["task", "outcome"] as const,
    buckets: WORK_BUCKETS,
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: "segmento_deliveries_total",
    help: "Automation deliveries attempted, by channel and outcome (delivered, retry, dead).",
    labelNames: ["channel", "outcome"] as const,
    registers: [this.registry],
  });

  constructor(jobCounts: () => Promise<{ type: string; status: string; count: number }[]>) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "segmento_jobs",
      help: "Jobs recorded in the database, by queue (job type) and state; shared by every process.",
      labelNames: ["queue", "state"] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await jobCounts()) this.set({ queue: row.type, state: row.status }, row.count);
      },
    });
  }

  /** Times `work`, observing its duration with `outcome` ok or error. */
  async time<T>(
    histogram: Histogram<"outcome" | string>,
    labels: Record<string, string>,
    work: () => Promise<T>,
  ): Promise<T> {
    const end = histogram.startTimer(labels);
    try {
      const result = await work();
      end({ outcome: "ok" });
      return result;
    } catch (error) {
      end({ outcome: "error" });
      throw error;
    }
  }
}
