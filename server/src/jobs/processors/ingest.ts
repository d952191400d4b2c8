import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Knex } from "knex";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { type FileRow, findFile, updateFile } from "../../db/files.js";
import { readFileRows, UnreadableFileError } from "../../domain/ingest/file-rows.js";
import { isReturnStatus, type NormalizedRow } from "../../ingest/normalize.js";
import { IngestFormatError } from "../../ingest/read-rows.js";
import { PermanentJobError } from "../job-errors.js";
import type { Processor } from "./index.js";

/**
 * How returns count: a record is a return when its amount is negative or its status says returned/refunded.
 * Its absolute value counts as returned money; every other record is a purchase.
 */
export const isReturn = (row: { amount: number; status: string | null }) =>
  row.amount < 0 || isReturnStatus(row.status);

/** One row of the `ingest_rows` staging table (columns in table order). */
interface StagingRow {
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

function stagingRow(line: number, row: NormalizedRow): StagingRow {
  const extra = Object.keys(row.extra).length > 0 ? row.extra : null;
  const none = {
    order_date: null,
    amount: null,
    order_id: null,
    quantity: null,
    currency: null,
    status: null,
    is_return: null,
  };
  if (row.kind === "purchase") {
    return {
      kind: "purchase",
      customer_key: row.customerId,
      order_date: row.orderDate.toISOString(),
      amount: row.amount,
      order_id: row.orderId,
      quantity: row.quantity,
      currency: row.currency,
      status: row.status,
      is_return: isReturn(row),
      campaign_id: null,
      exposure_group: null,
      exposed_at: null,
      line,
      extra,
    };
  }
  return {
    kind: "campaign_exposure",
    customer_key: row.customerId,
    ...none,
    campaign_id: row.campaignId,
    exposure_group: row.group,
    exposed_at: row.exposedAt.toISOString(),
    line,
    extra,
  };
}

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
async function loadStaging(
  trx: Knex.Transaction,
  kind: "postgres" | "pglite",
  rows: AsyncIterable<StagingRow>,
) {
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
 * The ingest stage: reads the stored file, normalizes each row, and stores the file's transactions, campaign
 * exposures and the customers' raw aggregates in ONE database transaction, together with the file's
 * completed status. A worker that dies mid-way leaves nothing behind (the transaction rolls back) and the
 * job runs again; a file already completed is not stored twice.
 */
export const ingestFile: Processor = async (ctx, app, report) => {
  const db = app.db.knex;
  const fileId = ctx.data.fileId;
  const file = fileId ? await findFile(db, fileId) : undefined;
  if (!file) throw new PermanentJobError(`file ${fileId ?? "(none)"} no longer exists`);
  if (file.status === "completed") {
    return {
      result: { file_id: file.id, rows: file.row_count ?? 0, skipped_rows: file.skipped_rows },
      message: "Already stored",
    };
  }
  await updateFile(db, file.id, { status: "processing" });
  await report(1, "Reading the file");
  const outcome = await db.transaction((trx) =>
    storeFile(trx, app.db.kind, app.files.read(file.storage_key), file, report),
  );
  return {
    result: {
      file_id: file.id,
      rows: outcome.rows,
      skipped_rows: outcome.skipped,
      customers: outcome.customers,
    },
    message: `Stored ${outcome.rows} rows for ${outcome.customers} customers`,
  };
};

ingestFile.onFailure = async (ctx, app, reason) => {
  if (ctx.data.fileId)
    await updateFile(app.db.knex, ctx.data.fileId, { status: "failed", error_message: reason });
};

async function storeFile(
  trx: Knex.Transaction,
  kind: "postgres" | "pglite",
  input: Readable,
  file: FileRow,
  report: (pct: number, message: string) => Promise<void>,
) {
  await trx.raw(`CREATE TEMP TABLE ingest_rows (${STAGING_COLUMNS}) ON COMMIT DROP`);

  let rows = 0;
  let skipped = 0;
  let bytesRead = 0;
  input.on("data", (chunk: Buffer) => {
    bytesRead += chunk.length;
  });
  const totalBytes = Math.max(1, Number(file.size_bytes));
  const lines = async function* () {
    try {
      for await (const result of readFileRows(input, { format: file.format, ...file.options })) {
        if (result.problems) {
          if (!file.options.skipInvalidRows) {
            const first = result.problems[0];
            throw new PermanentJobError(
              `line ${result.line}: ${first ? `${first.field} broke the rule "${first.rule}"` : "invalid row"}`,
            );
          }
          skipped += 1;
          continue;
        }
        rows += 1;
        if (rows % 20_000 === 0)
          await report((bytesRead / totalBytes) * 80, `Parsed ${rows.toLocaleString("en-US")} rows`);
        yield stagingRow(result.line, result.row);
      }
    } catch (error) {
      if (error instanceof UnreadableFileError || error instanceof IngestFormatError) {
        throw new PermanentJobError(error.message);
      }
      throw error;
    }
  };
  await loadStaging(trx, kind, lines());

  await report(85, "Storing transactions");
  const project = file.project_id;
  await trx.raw(
    `INSERT INTO transactions (project_id, customer_key, order_date, amount, order_id, quantity, currency, status, is_return, file_id, line)
     SELECT ?, customer_key, order_date, amount, order_id, quantity, currency, status, is_return, ?, line
     FROM ingest_rows WHERE kind = 'purchase'
     ON CONFLICT (file_id, line) DO NOTHING`,
    [project, file.id],
  );
  await trx.raw(
    `INSERT INTO campaign_exposures (project_id, customer_key, campaign_id, "group", exposed_at, file_id, line)
     SELECT ?, customer_key, campaign_id, exposure_group, exposed_at, ?, line
     FROM ingest_rows WHERE kind = 'campaign_exposure'
     ON CONFLICT (file_id, line) DO NOTHING`,
    [project, file.id],
  );
  await report(92, "Updating customers");
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
    [project, project],
  );
  await trx("files").where({ id: file.id }).update({
    status: "completed",
    row_count: rows,
    skipped_rows: skipped,
    error_message: null,
    updated_at: trx.fn.now(),
  });
  return { rows, skipped, customers: upserted.rows.length as number };
}
