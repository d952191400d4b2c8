import type { AppContext } from "../../context.js";
import { defineOperation } from "../../http/operation.js";

type Probe = { status: "up" | "down"; latencyMs: number };

/** Times one dependency check, giving up after two seconds so a hung dependency cannot hang the health check. */
async function probe(check: () => Promise<unknown>): Promise<Probe> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timeout")), 2000);
      }),
    ]);
    return { status: "up", latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { status: "down", latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(app: AppContext) {
  const redis = app.redis;
  const [database, queue] = await Promise.all([
    probe(() => app.db.ping()),
    redis ? probe(() => redis.ping()) : Promise.resolve<Probe>({ status: "up", latencyMs: 0 }),
  ]);
  const healthy = database.status === "up" && queue.status === "up";
  return {
    status: healthy ? ("ok" as const) : ("degraded" as const),
    mode: app.db.kind === "pglite" && !redis ? ("embedded" as const) : ("services" as const),
    version: app.version,
    dependencies: {
      database: { ...database, kind: app.db.kind },
      queue: { ...queue, kind: redis ? ("redis" as const) : ("in-process" as const) },
    },
  };
}

export const getHealth = defineOperation("getHealth", async ({ app }) => {
  const health = await checkHealth(app);
  return { status: health.status === "ok" ? 200 : 503, body: health } as never;
});
