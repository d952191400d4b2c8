import fs from "node:fs/promises";
import path from "node:path";
import knexFactory, { type Knex } from "knex";
import pg from "pg";

export type DatabaseKind = "postgres" | "pglite";

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  /** A pg-Pool-shaped view of knex's pool, so better-auth shares our connections instead of opening its own. */
  pool: SharedPool;
  close(): Promise<void>;
}

/** The two methods Kysely's PostgresDialect (inside better-auth) needs from a pool. */
export interface SharedPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

// Postgres returns int8/numeric as strings by default; our counts and sums fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

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
    return { knex, kind: "postgres", pool: sharedPool(knex), close: () => knex.destroy() };
  }

  const [{ PGlite }, { vector }, { PGLiteSocketServer }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-pgvector"),
    import("@electric-sql/pglite-socket"),
  ]);
  let dataDir: string | undefined;
  if (!options.inMemory) {
    dataDir = path.join(options.dataDir, "pglite");
    await fs.mkdir(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create({ dataDir, extensions: { vector } });
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0 });
  await server.start();
  const address = server.getServerConn();
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
    async close() {
      await knex.destroy();
      await server.stop();
      await pglite.close();
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
