import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { type AppContext, createContext } from "./context.js";
import { startWorkers } from "./jobs/workers.js";

export interface RunningServer {
  url: string;
  app: AppContext;
  close(): Promise<void>;
}

const LISTEN_BACKLOG = 4096;
/**
 * How long an idle kept-alive connection stays open. Node's default (5 s) closes it while a client may be about
 * to reuse it: when this process's loop was busy for longer than that (a large upload being normalized, a query
 * on the embedded database), the close fires as the client's next request arrives and the client sees
 * ECONNRESET instead of an answer (a 1,000,000-row upload in bench:ingest). Longer than the idle timeout of
 * common proxies (60 s), so the side that closes an idle connection is the client's, never ours mid-request.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Opens the dependencies, migrates, and listens. What `segmento-server start` and the tests run. */
export async function startServer(
  config: Config,
  options: Parameters<typeof createContext>[1] & { workers?: boolean } = {},
): Promise<RunningServer> {
  const app = await createContext(config, options);
  let stopWorkers = () => {};
  try {
    const { applied } = await app.migrate();
    if (applied.length > 0) app.logger.info({ applied }, "migrations applied");
    // A deep accept queue: a burst of new connections that lands while the loop is busy (a query on the
    // embedded database) waits to be accepted instead of being reset by the kernel (Node's default is 511).
    const http: Server = createApp(app).listen(config.port, config.host, LISTEN_BACKLOG);
    http.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) => {
      http.once("listening", resolve);
      http.once("error", reject);
    });
    // `start` (the default) runs the Engine's workers here too; `api` leaves them to `segmento-server worker`.
    if (options.workers !== false) stopWorkers = await startWorkers(app);
    const { port } = http.address() as AddressInfo;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    app.logger.info(
      {
        url,
        database:
          app.db.kind === "pglite" ? `embedded PGlite (${config.dataDir})` : "PostgreSQL (DATABASE_URL)",
        jobs: app.redis ? "BullMQ on Redis (REDIS_URL)" : "in-process runner",
        workers: options.workers !== false,
        mode: app.db.kind === "pglite" && !app.redis ? "embedded" : "services",
      },
      `Segmento listening on ${url}`,
    );
    return {
      url,
      app,
      /**
       * Graceful: readiness turns 503 and event streams are told to reconnect elsewhere; the listener stops
       * accepting, requests in flight finish (cut after SHUTDOWN_TIMEOUT_MS), the workers take no new job and
       * finish their running ones; then every connection closes.
       */
      async close() {
        app.lifecycle.begin();
        stopWorkers();
        const drained = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          drained,
          new Promise((resolve) => {
            timer = setTimeout(resolve, config.shutdownTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        http.closeAllConnections();
        await app.close();
      },
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}
