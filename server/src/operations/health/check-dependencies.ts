import type { AppContext } from "../../context.js";

type Probe = { status: "up" | "down"; latencyMs: number };

/** Times one dependency check, giving up after two seconds so a hung dependency cannot hang a probe. */
export async function probe(check: () => Promise<unknown>): Promise<Probe> {
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

/** The runtime mode and each dependency's status: what both health probes report. */
export async function checkDependencies(app: AppContext) {
  const redis = app.redis;
  const [database, queue] = await Promise.all([
    probe(() => app.db.ping()),
    redis ? probe(() => redis.ping()) : Promise.resolve<Probe>({ status: "up", latencyMs: 0 }),
  ]);
  return {
    up: database.status === "up" && queue.status === "up",
    mode: app.db.kind === "pglite" && !redis ? ("embedded" as const) : ("services" as const),
    version: app.version,
    dependencies: {
      database: { ...database, kind: app.db.kind },
      queue: { ...queue, kind: redis ? ("redis" as const) : ("in-process" as const) },
    },
  };
}
