import { ConfigError, ENVIRONMENT, loadConfig } from "./config.js";
import { createContext } from "./context.js";
import { startServer } from "./server.js";

const USAGE = `segmento-server <command>

Commands:
  start     run the API (and, from the ingestion release on, the workers) in this process
  api       run the API only
  migrate   bring the database schema up to date and exit

Environment:
${ENVIRONMENT.map(([name, fallback, what]) => `  ${name.padEnd(30)} ${what} [default: ${fallback}]`).join("\n")}
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
      const server = await startServer(config);
      const stop = async (signal: string) => {
        server.app.logger.info({ signal }, "shutting down");
        await server.close();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop("SIGINT"));
      process.once("SIGTERM", () => void stop("SIGTERM"));
      return -1; // keep running
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
