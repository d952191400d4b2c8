import { ConfigError, ENVIRONMENT, loadConfig } from "./config.js";
import { createContext } from "./context.js";
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
      const stop = async (signal: string) => {
        server.app.logger.info({ signal }, "shutting down");
        await server.close();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop("SIGINT"));
      process.once("SIGTERM", () => void stop("SIGTERM"));
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
      app.logger.info({ concurrency: config.workerConcurrency, mode: "worker" }, "Segmento worker running");
      const stop = async (signal: string) => {
        app.logger.info({ signal }, "worker shutting down");
        stopWorkers();
        await app.close();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop("SIGINT"));
      process.once("SIGTERM", () => void stop("SIGTERM"));
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
