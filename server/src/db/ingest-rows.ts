import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Knex } from "knex";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { suppressedKeySql } from "./customer-erasure.js";
import type { DatabaseKind } from "./database.js";

/** One row of the `ingest_rows` staging table, as a file's staged rows hold it (columns in table order). */
export interface StagingRow {
  kind: "purchase" | "campaign_exposure";
  customer_key: string;
  order_date: Date | null;
  amount: number | null;
  order_id: string | null;
  quantity: number | null;
  currency: string | null;
  status: string | null;
  is_return: boolean | null;
  campaign_id: string | null;
  exposure_group: string | null;
  exposed_at: Date | null;
  line: number;
  /** The row's extra features, as text. */
  extra: Record<string, string> | null;
}

const STAGING_COLUMNS: [name: keyof StagingRow, type: string][] = [
  ["kind", "text"],
  ["customer_key", "text"],
  ["order_date", "timestamptz"],
  ["amount", "numeric"],
  ["order_id", "text"],
  ["quantity", "double precision"],
  ["currency", "text"],
  ["status", "text"],
  ["is_return", "boolean"],
  ["campaign_id", "text"],
  ["exposure_group", "text"],
  ["exposed_at", "timestamptz"],
  ["line", "integer"],
  ["extra", "jsonb"],
];

const ESCAPED = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const UNESCAPES: Record<string, string> = { "\\": "\\", t: "\t", n: "\n", r: "\r" };

/** A value as a field of COPY's text format: `\N` for null, backslash escapes for backslash, tab, LF and CR. */
function copyField(value: string | number | boolean | Date | object | null): string {
  if (value === null) return "\\N";
  const text =
    typeof value === "string"
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === "object"
          ? JSON.stringify(value)
          : typeof value === "boolean"
            ? value
              ? "t"
              : "f"
            : String(value);
  return ESCAPED.test(text) ? text.replace(/[\\\t\n\r]/g, (char) => ESCAPES[char] as string) : text;
}

/** One staged row as a line of COPY's text format: what a file's staged rows are made of. */
export function stagedLine(row: StagingRow): string {
  let line = copyField(row.kind);
  for (let i = 1; i < STAGING_COLUMNS.length; i++) {
    line += `\t${copyField(row[(STAGING_COLUMNS[i] as [keyof StagingRow, string])[0]])}`;
  }
  return `${line}\n`;
}

/** A staged line's fields back as text (null for `\N`): only PGlite needs this, it cannot COPY. */
function stagedFields(line: string): (string | null)[] {
  return line
    .split("\t")
    .map((field) =>
      field === "\\N" ? null : field.replace(/\\(.)/g, (_, char: string) => UNESCAPES[char] ?? char),
    );
}

const STAGING_BATCH = 5000;
/**
 * The statistics the plans below depend on: the table's size, how many customers it holds and how many rows
 * are purchases (without `kind`, a filter on it is guessed at 0.5% of the rows).
 */
const ANALYZE_STAGING = "ANALYZE ingest_rows (kind, customer_key)";

/**
 * The typed staging table of one file's rows, for the caller's transaction (dropped when it commits). JIT is
 * off for the transaction: the statements that follow are short, compiling them costs more than it saves. The
 * customers' aggregate sorts the file's rows by customer: with the default 4 MB of work_mem a 100,000-row file
 * already sorts on disk (external merge, measured), so the transaction gets enough to sort a large file in memory.
 */
export async function createStaging(trx: Knex.Transaction, kind: DatabaseKind): Promise<void> {
  await trx.raw("SET LOCAL jit = off");
  // PGlite has one backend of its own, sized for the embedded runtime; its default is kept.
  if (kind === "postgres") await trx.raw("SET LOCAL work_mem = '64MB'");
  await trx.raw(
    `CREATE TEMP TABLE ingest_rows (${STAGING_COLUMNS.map(([name, type]) => `${name} ${type}`).join(", ")}) ON COMMIT DROP`,
  );
}

/**
 * Fills the staging table from a file's staged rows. PostgreSQL: the file's bytes go straight into COPY, in
 * the store's own chunks. PGlite's socket server breaks on COPY (the connection drops mid-stream), so there the
 * same lines go in batches through jsonb_to_recordset; everything after the staging table is the same SQL.
 * The table is analyzed once filled, so that the planner sees its real size. Returns how many rows it holds.
 */
export async function loadStaging(
  trx: Knex.Transaction,
  kind: DatabaseKind,
  staged: Readable,
): Promise<number> {
  if (kind === "postgres") {
    const connection = (await trx.client.acquireConnection()) as pg.PoolClient;
    const copy = connection.query(copyFrom("COPY ingest_rows FROM STDIN"));
    await pipeline(staged, copy);
    await trx.raw(ANALYZE_STAGING);
    return copy.rowCount;
  }
  const names = STAGING_COLUMNS.map(([name]) => name);
  // Read as text (jsonb_to_recordset casts each value with its column's input function); extra is JSON text.
  const recordType = names.map((name) => `${name} text`).join(", ");
  const casts = STAGING_COLUMNS.map(([name, type]) => `${name}::${type}`).join(", ");
  let rows = 0;
  let batch: Record<string, string | null>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await trx.raw(
      `INSERT INTO ingest_rows SELECT ${casts} FROM jsonb_to_recordset(?::jsonb) AS r(${recordType})`,
      [JSON.stringify(batch)],
    );
    rows += batch.length;
    batch = [];
  };
  for await (const line of createInterface({ input: staged, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line === "") continue;
    const fields = stagedFields(line);
    batch.push(Object.fromEntries(names.map((name, i) => [name, fields[i] ?? null])));
    if (batch.length >= STAGING_BATCH) await flush();
  }
  await flush();
  await trx.raw(ANALYZE_STAGING);
  return rows;
}

/**
 * The staged purchases and campaign exposures into their tables. A file's line is stored once: its rows are
 * stored in the same transaction that marks it completed, and (file_id, line) is unique, so a second worker
 * running the same file at once fails instead of storing it twice. (No ON CONFLICT: it costs a third more.)
 */
export async function insertStagedRows(trx: Knex.Transaction, file: { id: string; projectId: string }) {
  // Customers erased with suppression stay erased: their rows are dropped before anything is stored.
  await trx.raw(`DELETE FROM ingest_rows WHERE ${suppressedKeySql}`, [file.projectId, file.projectId]);
  await trx.raw(
    `INSERT INTO transactions (project_id, customer_key, order_date, amount, order_id, quantity, currency, status, is_return, file_id, line)
     SELECT ?, customer_key, order_date, amount, order_id, quantity, currency, status, is_return, ?, line
     FROM ingest_rows WHERE kind = 'purchase'`,
    [file.projectId, file.id],
  );
  await trx.raw(
    `INSERT INTO campaign_exposures (project_id, customer_key, campaign_id, "group", exposed_at, file_id, line)
     SELECT ?, customer_key, campaign_id, exposure_group, exposed_at, ?, line
     FROM ingest_rows WHERE kind = 'campaign_exposure'`,
    [file.projectId, file.id],
  );
}

/**
 * The customers' raw aggregates, merged with the staged purchases in one set-based upsert: counts and sums
 * add up, first and last dates widen, extra features merge by the file's latest value of each key. Returns how
 * many customers it changed.
 */
export async function upsertStagedCustomers(trx: Knex.Transaction, projectId: string): Promise<number> {
  const upserted = await trx.raw(
    `WITH upserted AS (
       INSERT INTO customers (project_id, customer_key, customer_id_hash, first_transaction_at, last_transaction_at,
                              purchase_count, return_count, gross_amount, return_amount, extra_features)
       SELECT ?, customer_key, 'CUST_' || upper(substr(md5(? || ':' || customer_key), 1, 8)),
              min(order_date), max(order_date),
              count(*) FILTER (WHERE NOT is_return), count(*) FILTER (WHERE is_return),
              coalesce(sum(amount) FILTER (WHERE NOT is_return), 0),
              coalesce(sum(abs(amount)) FILTER (WHERE is_return), 0),
              jsonb_merge_agg(extra ORDER BY line)
         FROM ingest_rows WHERE kind = 'purchase'
        GROUP BY customer_key
       ON CONFLICT (project_id, customer_key) DO UPDATE SET
         first_transaction_at = least(customers.first_transaction_at, excluded.first_transaction_at),
         last_transaction_at = greatest(customers.last_transaction_at, excluded.last_transaction_at),
         purchase_count = customers.purchase_count + excluded.purchase_count,
         return_count = customers.return_count + excluded.return_count,
         gross_amount = customers.gross_amount + excluded.gross_amount,
         return_amount = customers.return_amount + excluded.return_amount,
         extra_features = customers.extra_features || excluded.extra_features,
         updated_at = now()
       RETURNING 1)
     SELECT count(*)::int AS customers FROM upserted`,
    [projectId, projectId],
  );
  return Number(upserted.rows[0]?.customers ?? 0);
}
