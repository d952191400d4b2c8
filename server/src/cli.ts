import type { Logger } from "pino";
import { ConfigError, ENVIRONMENT, loadConfig } from "./config.js";
import { createContext } from "./context.js";
import { listenForMetrics } from "./http/metrics.js";
import { startWorkers } from "./jobs/workers.js";
import { startServer } from "./server.js";

const USAGE = `segmento-server <command>

Commands:
  start     run the API and the Engine's workers in this process
  api       run the API only (workers run elsewhere: needs REDIS_URL)
  worker    run the Engine's workers only (any number, on any machine sharing the database and Redis)
  migrate   bring the database schema up to date and exit

Environment:
${ENVIRONMENT.map(({ name, shownDefault, doc }) => `  ${name.padEnd(30)} ${doc.replaceAll("`", "")} [default: ${shownDefault}]`).join("\n")}
`;

/**
 * SIGTERM / SIGINT: a graceful shutdown (requests and jobs in flight finish, nothing new is taken), exiting 0.
 * Past `timeoutMs` the process exits 1 anyway: a job still running is handed back, its transaction rolled back
 * with the connection, and another worker takes it over when its lock lapses. A second signal exits at once.
 */
function stopOnSignals(logger: Logger, timeoutMs: number, shutdown: () => Promise<void>) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, "shutting down: finishing the requests and jobs in flight");
    setTimeout(() => {
      logger.warn(
        { timeoutMs },
        "shutdown timed out: exiting; running jobs are handed back to other workers",
      );
      process.exit(1);
    }, timeoutMs).unref();
    shutdown().then(
      () => {
        logger.info("shut down");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? "start";
  if (command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = loadConfig();
  switch (command) {
    case "start":
    case "api": {
      if (command === "api" && !config.redisUrl) {
        throw new ConfigError([
          "`api` hands jobs to separate workers through Redis: set REDIS_URL, or use `start`",
        ]);
      }
      const server = await startServer(config, { workers: command === "start" });
      stopOnSignals(server.app.logger, config.shutdownTimeoutMs, () => server.close());
      return -1; // keep running
    }
    case "worker": {
      if (!config.redisUrl) {
        throw new ConfigError([
          "`worker` takes jobs from Redis: set REDIS_URL (embedded mode runs workers inside `start`)",
        ]);
      }
      const app = await createContext(config);
      await app.migrate();
      const stopWorkers = await startWorkers(app);
      const metrics =
        config.metricsPort === undefined ? undefined : await listenForMetrics(app, config.metricsPort);
      app.logger.info({ concurrency: config.workerConcurrency, mode: "worker" }, "Segmento worker running");
      stopOnSignals(app.logger, config.shutdownTimeoutMs, async () => {
        app.lifecycle.begin();
        stopWorkers();
        metrics?.close();
        await app.close();
      });
      return -1;
    }
    case "migrate": {
      const app = await createContext(config);
      try {
        const { applied } = await app.migrate();
        process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "schema is up to date\n");
      } finally {
        await app.close();
      }
      return 0;
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `segmento-server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
