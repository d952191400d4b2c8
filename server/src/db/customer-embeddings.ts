import { randomBytes } from "node:crypto";
import type { Knex } from "knex";
import { EMBEDDING_DIMENSIONS } from "./migrations/20261129_004_engine.js";
import { embeddingPartitionPrefix, HNSW_OPTIONS } from "./migrations/20261130_015_embeddings_per_project.js";

/**
 * When a project's new embeddings are written in place rather than rebuilt: at most this share of its current
 * embeddings changed, added or removed (or at most IN_PLACE_MIN_ROWS, whatever the share). An HNSW insertion
 * costs about 7 times a row's share of a bulk build (100k rows: 32.4 s inserted one by one, 4.6 s built at
 * once), and a rebuild also loads, checks and swaps a whole table; 10% keeps the in-place path clearly cheaper.
 */
export const IN_PLACE_MAX_SHARE = 0.1;
export const IN_PLACE_MIN_ROWS = 1_000;

/** Rows per statement when loading embeddings (a JSON document each, so PGlite takes the same path). */
const LOAD_BATCH = 5_000;

export interface EmbeddingWrite {
  /** `rebuilt`: loaded without an index, indexed once, swapped in; `in_place`: only changed rows written. */
  mode: "rebuilt" | "in_place";
  /** Embeddings added, changed or removed. */
  changed: number;
  /** The project's embeddings after the write. */
  total: number;
}

/** The project's current partition of customer_embeddings, if it has one. */
async function projectPartition(db: Knex, projectId: string): Promise<string | undefined> {
  const row = await db("pg_inherits as i")
    .join("pg_class as c", "c.oid", "i.inhrelid")
    .whereRaw("i.inhparent = 'customer_embeddings'::regclass")
    .andWhere("c.relname", "like", `${embeddingPartitionPrefix(projectId)}%`)
    .first<{ relname: string } | undefined>("c.relname");
  return row?.relname;
}

/**
 * Drops a project's partition of customer_embeddings once its rows are gone (a deleted project), so the
 * catalogue and the parent's partition list do not keep one empty table and index per project ever deleted.
 * Refuses a partition that still has rows: deleting them is the purge's job, in short chunks. Returns whether
 * a partition was dropped.
 */
export async function dropEmptyEmbeddingPartition(db: Knex, projectId: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const partition = await projectPartition(trx, projectId);
    if (!partition) return false;
    const left = await trx.raw(`SELECT EXISTS (SELECT 1 FROM ${partition}) AS rows_left`);
    if (left.rows[0].rows_left) throw new Error(`the embeddings partition ${partition} still has rows`);
    await trx.raw(`DROP TABLE ${partition}`);
    return true;
  });
}

/**
 * Replaces a project's customer embeddings in one transaction (readers see the old set or the new one). The
 * new set is loaded into a table of its own, without any index; then
 * - few changes (see IN_PLACE_MAX_SHARE): only the changed, new and removed rows are written to the project's
 *   partition, so the HNSW index takes just those;
 * - otherwise: the new table gets its keys and HNSW index built once, then replaces the project's partition.
 *   Only that swap locks the parent table, for a moment at the end; other projects read on meanwhile.
 * The rewritten partition is ANALYZEd so the planner sees its real size.
 */
export async function replaceEmbeddings(
  db: Knex,
  projectId: string,
  rows: { customer_id: string; embedding: string }[],
): Promise<EmbeddingWrite> {
  return db.transaction(async (trx) => {
    const prefix = embeddingPartitionPrefix(projectId);
    const current = await projectPartition(trx, projectId);
    const next = `${prefix}${randomBytes(4).toString("hex")}`;
    await trx.raw(
      `CREATE TABLE ${next} (customer_id uuid NOT NULL, project_id uuid NOT NULL, embedding vector(${EMBEDDING_DIMENSIONS}) NOT NULL)`,
    );
    for (let i = 0; i < rows.length; i += LOAD_BATCH) {
      await trx.raw(
        `INSERT INTO ${next} (customer_id, project_id, embedding)
         SELECT r.customer_id, ?, r.embedding::vector FROM jsonb_to_recordset(?::jsonb) AS r(customer_id uuid, embedding text)`,
        [projectId, JSON.stringify(rows.slice(i, i + LOAD_BATCH))],
      );
    }
    if (current) {
      const diff = await trx.raw(
        `SELECT count(*) FILTER (WHERE c.customer_id IS NULL OR n.customer_id IS NULL
                                   OR c.embedding IS DISTINCT FROM n.embedding)::int AS changed,
                count(c.customer_id)::int AS current
           FROM ${next} n FULL JOIN ${current} c ON c.customer_id = n.customer_id`,
      );
      const { changed, current: before } = diff.rows[0] as { changed: number; current: number };
      if (changed <= Math.max(IN_PLACE_MIN_ROWS, before * IN_PLACE_MAX_SHARE)) {
        await writeChangesInPlace(trx, current, next);
        await trx.raw(`DROP TABLE ${next}`);
        if (changed > 0) await trx.raw(`ANALYZE ${current}`);
        return { mode: "in_place", changed, total: rows.length };
      }
    }
    await trx.raw(`ALTER TABLE ${next} ADD PRIMARY KEY (project_id, customer_id)`);
    // The graph of a large project does not fit the default 64 MB and would be built far slower on disk.
    await trx.raw("SET LOCAL maintenance_work_mem = '512MB'");
    await trx.raw(`CREATE INDEX ON ${next} USING hnsw (embedding vector_cosine_ops) ${HNSW_OPTIONS}`);
    // The constraint proves the partition bound, so ATTACH does not scan the table to check it.
    await trx.raw(`ALTER TABLE ${next} ADD CHECK (project_id = '${projectId}')`);
    if (current) await trx.raw(`DROP TABLE ${current}`);
    await trx.raw(`ALTER TABLE customer_embeddings ATTACH PARTITION ${next} FOR VALUES IN ('${projectId}')`);
    await trx.raw(`ANALYZE ${next}`);
    return { mode: "rebuilt", changed: rows.length, total: rows.length };
  });
}

/** Writes into `partition` only what differs from `next`: changed embeddings, new customers, removed ones. */
async function writeChangesInPlace(trx: Knex.Transaction, partition: string, next: string) {
  await trx.raw(
    `UPDATE ${partition} c SET embedding = n.embedding FROM ${next} n
      WHERE c.customer_id = n.customer_id AND c.embedding IS DISTINCT FROM n.embedding`,
  );
  await trx.raw(
    `INSERT INTO ${partition} (customer_id, project_id, embedding)
     SELECT n.customer_id, n.project_id, n.embedding FROM ${next} n
      WHERE NOT EXISTS (SELECT 1 FROM ${partition} c WHERE c.customer_id = n.customer_id)`,
  );
  await trx.raw(
    `DELETE FROM ${partition} c WHERE NOT EXISTS (SELECT 1 FROM ${next} n WHERE n.customer_id = c.customer_id)`,
  );
}

/**
 * Writes the embeddings of a few re-scored customers (an incremental run) straight into the project's
 * partition: new customers inserted, changed vectors updated, unchanged ones left alone, so the HNSW index
 * takes only those rows. Returns how many were written.
 */
export async function writeChangedEmbeddings(
  db: Knex,
  projectId: string,
  rows: { customer_id: string; embedding: string }[],
): Promise<number> {
  let written = 0;
  for (let i = 0; i < rows.length; i += LOAD_BATCH) {
    const result = await db.raw(
      `INSERT INTO customer_embeddings (customer_id, project_id, embedding)
       SELECT r.customer_id, ?, r.embedding::vector FROM jsonb_to_recordset(?::jsonb) AS r(customer_id uuid, embedding text)
       ON CONFLICT (project_id, customer_id) DO UPDATE SET embedding = excluded.embedding
        WHERE customer_embeddings.embedding IS DISTINCT FROM excluded.embedding`,
      [projectId, JSON.stringify(rows.slice(i, i + LOAD_BATCH))],
    );
    written += result.rowCount ?? 0;
  }
  return written;
}

/** How many embeddings the project has. */
export async function countEmbeddings(db: Knex, projectId: string): Promise<number> {
  const row = await db("customer_embeddings")
    .where({ project_id: projectId })
    .count<{ n: string }>("* as n")
    .first();
  return Number(row?.n ?? 0);
}
