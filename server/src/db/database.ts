import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import knexFactory, { type Knex } from "knex";
import pg from "pg";

export type DatabaseKind = "postgres" | "pglite";

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  /** A pg-Pool-shaped view of knex's pool, so better-auth shares our connections instead of opening its own. */
  pool: SharedPool;
  /**
   * Resolves when the database is alive. PostgreSQL answers a `select 1` on a connection of its own; the
   * embedded database has one connection, which a long job may hold for seconds, so there it is alive while
   * its thread runs (a busy database is not a down one).
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The two methods Kysely's PostgresDialect (inside better-auth) needs from a pool. */
export interface SharedPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

// Postgres returns int8 as a string by default; our counts fit in a double. NUMERIC (money) stays the exact text
// Postgres sends: each query that reads money parses it where it reads it (or sums it in SQL and casts).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Opens the database the configuration names: real Postgres when `databaseUrl` is set, otherwise PGlite with
 * pgvector under `dataDir`, served over a local socket so the rest of the code talks to it through the same
 * `pg` driver. PGlite has one session for all connections, so its pool holds exactly one.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Embedded only: keep data in memory (tests). */
  inMemory?: boolean;
}): Promise<Database> {
  if (options.databaseUrl) {
    const knex = knexFactory({
      client: "pg",
      connection: options.databaseUrl,
      pool: { min: 0, max: 10 },
      acquireConnectionTimeout: 10_000,
    });
    return {
      knex,
      kind: "postgres",
      pool: sharedPool(knex),
      ping: () => knex.raw("select 1").then(() => undefined),
      close: () => knex.destroy(),
    };
  }

  let dataDir: string | undefined;
  if (!options.inMemory) {
    dataDir = path.join(options.dataDir, "pglite");
    await fs.mkdir(dataDir, { recursive: true });
  }
  const embedded = await startEmbeddedPostgres(dataDir);
  const address = embedded.address;
  const knex = knexFactory({
    client: "pg",
    connection: `postgres://postgres@${address}/postgres`,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 60_000,
  });
  return {
    knex,
    kind: "pglite",
    pool: sharedPool(knex),
    ping: async () => {
      if (!embedded.alive()) throw new Error("the embedded database's thread has stopped");
    },
    async close() {
      await knex.destroy();
      await embedded.stop();
    },
  };
}

function sharedPool(knex: Knex): SharedPool {
  return {
    async connect() {
      const client = (await knex.client.acquireConnection()) as pg.PoolClient;
      // Kysely calls release() when it is done; hand the connection back to knex's pool.
      client.release = () => {
        knex.client.releaseConnection(client);
      };
      return client;
    },
    // knex owns the connections; Database.close() ends them.
    async end() {},
  };
}

/** True for the errors a driver raises when the database cannot be reached (mapped to 503). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "ETIMEDOUT" ||
    code === "57P01" || // admin_shutdown
    code === "57P03" || // cannot_connect_now
    code === "3D000" || // database does not exist
    error.name === "KnexTimeoutError" ||
    /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/i.test(
      error.message,
    )
  );
}

/**
 * PGlite (PostgreSQL in WebAssembly) with pgvector, served over a local socket, on a worker thread of its own:
 * every query's work happens there, so a long statement never blocks this thread's HTTP server. The thread
 * loads the packages' CommonJS builds by absolute path (it has no module resolution of its own to lean on).
 */
async function startEmbeddedPostgres(dataDir: string | undefined) {
  const require = createRequire(import.meta.url);
  const modules = {
    pglite: require.resolve("@electric-sql/pglite"),
    vector: require.resolve("@electric-sql/pglite-pgvector"),
    socket: require.resolve("@electric-sql/pglite-socket"),
  };
  const thread = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const { PGlite } = require(workerData.modules.pglite);
     const { vector } = require(workerData.modules.vector);
     const { PGLiteSocketServer } = require(workerData.modules.socket);
     (async () => {
       const pglite = await PGlite.create({ dataDir: workerData.dataDir, extensions: { vector } });
       const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0 });
       await server.start();
       parentPort.on("message", async () => {
         await server.stop();
         await pglite.close();
         parentPort.postMessage({ stopped: true });
       });
       parentPort.postMessage({ address: server.getServerConn() });
     })().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));`,
    { eval: true, workerData: { dataDir, modules } },
  );
  const first = await new Promise<{ address?: string; error?: string }>((resolve, reject) => {
    thread.once("message", resolve);
    thread.once("error", reject);
  });
  if (!first.address) {
    await thread.terminate();
    throw new Error(`the embedded database did not start: ${first.error}`);
  }
  let alive = true;
  thread.once("exit", () => {
    alive = false;
  });
  return {
    address: first.address,
    alive: () => alive,
    async stop() {
      const stopped = new Promise((resolve) => thread.once("message", resolve));
      thread.postMessage("stop");
      await stopped;
      await thread.terminate();
    },
  };
}
