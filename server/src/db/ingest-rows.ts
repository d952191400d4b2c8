import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Knex } from "knex";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { suppressedKeySql } from "./customer-erasure.js";
import type { DatabaseKind } from "./database.js";

/** One row of the `ingest_rows` staging table (columns in table order). */
export interface StagingRow {
  kind: "purchase" | "campaign_exposure";
  customer_key: string;
  order_date: string | null;
  amount: number | null;
  order_id: string | null;
  quantity: number | null;
  currency: string | null;
  status: string | null;
  is_return: boolean | null;
  campaign_id: string | null;
  exposure_group: string | null;
  exposed_at: string | null;
  line: number;
  extra: Record<string, unknown> | null;
}

const STAGING_COLUMNS = `kind text, customer_key text, order_date timestamptz, amount numeric, order_id text,
  quantity double precision, currency text, status text, is_return boolean, campaign_id text, exposure_group text,
  exposed_at timestamptz, line integer, extra jsonb`;

const csvField = (value: unknown): string => {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return `"${text.replace(/"/g, '""')}"`;
};

const STAGING_BATCH = 5000;

/**
 * Fills the staging table. On PostgreSQL with COPY, streamed. PGlite's socket server breaks on COPY (the
 * connection drops mid-stream), so there the same rows go in batches through jsonb_to_recordset; everything
 * after the staging table is the same SQL on both.
 */
async function loadStaging(trx: Knex.Transaction, kind: DatabaseKind, rows: AsyncIterable<StagingRow>) {
  if (kind === "postgres") {
    const lines = async function* () {
      for await (const row of rows) yield `${Object.values(row).map(csvField).join(",")}\n`;
    };
    const connection = await connectionOf(trx);
    await pipeline(
      Readable.from(lines()),
      connection.query(copyFrom("COPY ingest_rows FROM STDIN WITH (FORMAT csv)")),
    );
    return;
  }
  let batch: StagingRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await trx.raw(
      `INSERT INTO ingest_rows SELECT * FROM jsonb_to_recordset(?::jsonb) AS r(${STAGING_COLUMNS})`,
      [JSON.stringify(batch)],
    );
    batch = [];
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= STAGING_BATCH) await flush();
  }
  await flush();
}

/** The raw pg connection a knex transaction runs on (COPY needs the driver itself). */
async function connectionOf(trx: Knex.Transaction): Promise<pg.PoolClient> {
  return (await trx.client.acquireConnection()) as pg.PoolClient;
}

/**
 * Stores one file's rows, in the caller's transaction: the rows go into a staging table (COPY on PostgreSQL),
 * then into transactions and campaign exposures (a file's line is stored once, however often this runs), and
 * the customers' raw aggregates are merged, extra features by the file's latest value of each key.
 */
export async function storeFileRows(
  trx: Knex.Transaction,
  kind: DatabaseKind,
  file: { id: string; projectId: string },
  rows: AsyncIterable<StagingRow>,
  onStep: (step: "transactions" | "customers") => Promise<void>,
): Promise<{ customers: number }> {
  await trx.raw(`CREATE TEMP TABLE ingest_rows (${STAGING_COLUMNS}) ON COMMIT DROP`);
  await loadStaging(trx, kind, rows);
  // Customers erased with suppression stay erased: their rows are dropped before anything is stored.
  await trx.raw(`DELETE FROM ingest_rows WHERE ${suppressedKeySql}`, [file.projectId, file.projectId]);
  await onStep("transactions");
  await trx.raw(
    `INSERT INTO transactions (project_id, customer_key, order_date, amount, order_id, quantity, currency, status, is_return, file_id, line)
     SELECT ?, customer_key, order_date, amount, order_id, quantity, currency, status, is_return, ?, line
     FROM ingest_rows WHERE kind = 'purchase'
     ON CONFLICT (file_id, line) DO NOTHING`,
    [file.projectId, file.id],
  );
  await trx.raw(
    `INSERT INTO campaign_exposures (project_id, customer_key, campaign_id, "group", exposed_at, file_id, line)
     SELECT ?, customer_key, campaign_id, exposure_group, exposed_at, ?, line
     FROM ingest_rows WHERE kind = 'campaign_exposure'
     ON CONFLICT (file_id, line) DO NOTHING`,
    [file.projectId, file.id],
  );
  await onStep("customers");
  // Raw aggregates per customer; extra features merge, the file's latest value of each key winning.
  const upserted = await trx.raw(
    `WITH extras AS (
       SELECT customer_key, jsonb_object_agg(key, value ORDER BY line) AS extra
         FROM (SELECT r.customer_key, r.line, e.key, e.value
                 FROM ingest_rows r, jsonb_each(r.extra) e
                WHERE r.kind = 'purchase' AND r.extra IS NOT NULL) x
        GROUP BY customer_key),
     agg AS (
       SELECT customer_key, min(order_date) AS first_at, max(order_date) AS last_at,
              count(*) FILTER (WHERE NOT is_return) AS purchases, count(*) FILTER (WHERE is_return) AS returns,
              coalesce(sum(amount) FILTER (WHERE NOT is_return), 0) AS gross,
              coalesce(sum(abs(amount)) FILTER (WHERE is_return), 0) AS returned
         FROM ingest_rows WHERE kind = 'purchase'
        GROUP BY customer_key)
     INSERT INTO customers (project_id, customer_key, customer_id_hash, first_transaction_at, last_transaction_at,
                            purchase_count, return_count, gross_amount, return_amount, extra_features)
     SELECT ?, agg.customer_key, 'CUST_' || upper(substr(md5(? || ':' || agg.customer_key), 1, 8)),
            first_at, last_at, purchases, returns, gross, returned, coalesce(extras.extra, '{}'::jsonb)
       FROM agg LEFT JOIN extras USING (customer_key)
     ON CONFLICT (project_id, customer_key) DO UPDATE SET
       first_transaction_at = least(customers.first_transaction_at, excluded.first_transaction_at),
       last_transaction_at = greatest(customers.last_transaction_at, excluded.last_transaction_at),
       purchase_count = customers.purchase_count + excluded.purchase_count,
       return_count = customers.return_count + excluded.return_count,
       gross_amount = customers.gross_amount + excluded.gross_amount,
       return_amount = customers.return_amount + excluded.return_amount,
       extra_features = customers.extra_features || excluded.extra_features,
       updated_at = now()
     RETURNING 1`,
    [file.projectId, file.projectId],
  );
  return { customers: upserted.rows.length as number };
}
