import type { Knex } from "knex";
import type { CustomerBehaviour } from "../engine/customer.js";
import { bulkUpdateById } from "./bulk-update.js";
import { type CustomerSample, inSample } from "./customer-sample.js";

/** The date a project's models look from: its configured reference date, else its latest transaction. */
export async function referenceDateOf(
  db: Knex,
  projectId: string,
  configured: string | null,
): Promise<Date | null> {
  if (configured) return new Date(`${configured}T23:59:59.999Z`);
  const row = await db("transactions")
    .where({ project_id: projectId })
    .max<{ max: Date | null }>({ max: "order_date" })
    .first();
  return row?.max ? new Date(row.max) : null;
}

/**
 * RFM by purchases per customer, in SQL over the transactions up to the reference date. The lines are classified
 * exactly as engine/customer-timeline.ts classifies them (the models' definition; a pipeline test checks that the
 * two agree):
 * - a purchase line: amount > 0 and not a return by status;
 * - a return line: a return by status, or a negative amount (refunds, cancellations); its absolute value is
 *   returned money;
 * - a zero-value line that is not a return counts for nothing (an invoice made only of such lines is no order).
 * Then:
 * - recency: whole days since the last purchase line (returns, cancellations and zero-value orders never reset
 *   it); null when the customer has no purchase by the reference date (the customer is then not scored);
 * - frequency: distinct purchase orders (an order is its order_id, else its timestamp);
 * - monetary: net value, purchases minus returned money;
 * - return rate: returned value / purchased value, capped at 1 (engine/rfm.ts says what above 1 means).
 * With `changedAfter` (an incremental run), only the customers an ingest changed after that time.
 *
 * Computed, not written: the stage writes each customer's RFM with its segmentation results in one UPDATE
 * (saveSegmentation), since every UPDATE of a customer row rewrites it and all of the table's indexes (a
 * separate RFM pass was a third of the stage's database time at 100k customers). `customers` are those with a
 * purchase by the reference date, ordered by id (the Engine's input), `rfm` their columns (same order), and
 * `unscored` the others with a line.
 */
export async function loadCustomerRfm(
  db: Knex,
  projectId: string,
  referenceDate: Date,
  changedAfter?: Date,
): Promise<{ customers: CustomerBehaviour[]; rfm: CustomerRfm[]; unscored: CustomerRfm[] }> {
  const changedOnly = changedAfter
    ? "AND customer_key IN (SELECT customer_key FROM customers WHERE project_id = ? AND updated_at > ?)"
    : "";
  const result = await db.raw(
    `WITH lines AS (
       SELECT customer_key, order_date, order_id, amount,
              (is_return OR amount < 0) AS returned,
              (NOT is_return AND amount > 0) AS purchased
         FROM transactions
        WHERE project_id = ? AND order_date <= ? ${changedOnly}),
     agg AS (
       SELECT customer_key,
              max(order_date) FILTER (WHERE purchased) AS last_at,
              count(DISTINCT coalesce(order_id, order_date::text)) FILTER (WHERE purchased) AS orders,
              coalesce(sum(amount) FILTER (WHERE purchased), 0) AS gross,
              coalesce(sum(abs(amount)) FILTER (WHERE returned), 0) AS returned
         FROM lines
        GROUP BY customer_key)
     SELECT c.id,
       -- greatest() skips nulls: without a purchase, recency must stay null, not become 0.
       CASE WHEN agg.last_at IS NOT NULL
         THEN greatest(0, floor(extract(epoch FROM (?::timestamptz - agg.last_at)) / 86400))::int END
         AS rfm_recency_days,
       agg.orders::int AS rfm_frequency,
       -- As the column stores it, so the Engine reads what a later read of the customer gives.
       (agg.gross - agg.returned)::numeric(18, 6) AS rfm_monetary,
       (CASE WHEN agg.gross > 0 THEN least(1, agg.returned / agg.gross)
             WHEN agg.returned > 0 THEN 1 ELSE 0 END)::float8 AS return_rate,
       greatest(0, floor(extract(epoch FROM (?::timestamptz - c.first_transaction_at)) / 86400))::int AS tenure_days
     FROM agg JOIN customers c ON c.project_id = ? AND c.customer_key = agg.customer_key
     ORDER BY c.id`,
    [
      projectId,
      referenceDate,
      ...(changedAfter ? [projectId, changedAfter] : []),
      referenceDate,
      referenceDate,
      projectId,
    ],
  );
  const customers: CustomerBehaviour[] = [];
  const rfm: CustomerRfm[] = [];
  const unscored: CustomerRfm[] = [];
  for (const r of result.rows as (CustomerRfm & { tenure_days: number })[]) {
    const columns: CustomerRfm = {
      id: r.id,
      rfm_recency_days: r.rfm_recency_days,
      rfm_frequency: r.rfm_frequency,
      rfm_monetary: r.rfm_monetary,
      return_rate: r.return_rate,
    };
    if (r.rfm_recency_days === null) {
      unscored.push(columns);
      continue;
    }
    customers.push({
      id: r.id,
      recencyDays: r.rfm_recency_days,
      frequency: r.rfm_frequency,
      monetary: Number(r.rfm_monetary),
      returnRate: r.return_rate,
      tenureDays: r.tenure_days,
    });
    rfm.push(columns);
  }
  return { customers, rfm, unscored };
}

/** A customer's RFM columns as loadCustomerRfm computed them (monetary as the numeric's text: written back exactly). */
export type CustomerRfm = {
  id: string;
  rfm_recency_days: number | null;
  rfm_frequency: number;
  rfm_monetary: string;
  return_rate: number;
};

const RFM_COLUMNS = {
  rfm_recency_days: "integer",
  rfm_frequency: "integer",
  rfm_monetary: "numeric",
  return_rate: "double precision",
};

/** The RFM of customers with a line but no purchase by the reference date (not scored, so not segmented). */
export async function saveUnscoredRfm(db: Knex, rows: CustomerRfm[]): Promise<void> {
  await bulkUpdateById(db, "customers", rows, RFM_COLUMNS);
}

/** One transaction line as the Engine's timelines read it (engine/customer-timeline.ts Transaction). */
export interface TransactionLine {
  customerId: string;
  at: Date;
  amount: number;
  orderId: string | null;
  isReturn: boolean;
}

/** The project's first purchase line up to the reference date (what the whole history's length is measured from). */
export async function firstPurchaseOf(
  db: Knex,
  projectId: string,
  referenceDate: Date,
): Promise<Date | null> {
  const row = await db("transactions")
    .where({ project_id: projectId, is_return: false })
    .andWhere("amount", ">", 0)
    .andWhere("order_date", "<=", referenceDate)
    .min<{ min: Date | null }>({ min: "order_date" })
    .first();
  return row?.min ? new Date(row.min) : null;
}

/**
 * Every transaction line of the project's customers (or of a sample of them) up to the reference date, returns
 * included (the models decide what a line is), by customer profile id.
 */
export async function loadTransactions(
  db: Knex,
  projectId: string,
  referenceDate: Date,
  sample?: CustomerSample,
): Promise<TransactionLine[]> {
  const rows: TransactionRow[] = await db("transactions as t")
    .join("customers as c", function () {
      this.on("c.project_id", "t.project_id").andOn("c.customer_key", "t.customer_key");
    })
    .where("t.project_id", projectId)
    .andWhere("t.order_date", "<=", referenceDate)
    .andWhere(inSample(db, "t.customer_key", sample))
    .select("c.id as customer_id", ...transactionColumns(db, "t"));
  return rows.map((r) => transactionLine(r, r.customer_id));
}

/**
 * A transaction row as the models' loads read it: the time as epoch milliseconds and the amount as a double,
 * converted by PostgreSQL, so the driver parses plain numbers instead of a timestamp text and a numeric text per
 * row (the bulk of the Node time of reading a million lines).
 */
interface TransactionRow {
  customer_id: string;
  at_ms: number;
  amount: number;
  order_id: string | null;
  is_return: boolean;
}

const transactionColumns = (db: Knex, table: string) => [
  db.raw(`(extract(epoch FROM ${table}.order_date) * 1000)::float8 AS at_ms`),
  db.raw(`${table}.amount::float8 AS amount`),
  `${table}.order_id`,
  `${table}.is_return`,
];

const transactionLine = (r: Omit<TransactionRow, "customer_id">, customerId: string): TransactionLine => ({
  customerId,
  at: new Date(r.at_ms),
  amount: r.amount,
  orderId: r.order_id,
  isReturn: r.is_return,
});

type CustomerExtras = [customerId: string, extra: Record<string, string | number | boolean>][];

/** Every customer's (or a sample's) extra fields (what was ingested beside our columns), by customer profile id. */
export async function loadCustomerExtras(
  db: Knex,
  projectId: string,
  sample?: CustomerSample,
): Promise<CustomerExtras> {
  const rows = await db("customers")
    .where({ project_id: projectId })
    .andWhere(inSample(db, "customer_key", sample))
    .orderBy("id")
    .select("id", "extra_features");
  return rows.map((r) => [r.id, r.extra_features ?? {}]);
}

/**
 * The project's customers in batches of `size`, in customer key order, each with its transaction lines up to the
 * reference date and its extra fields: what scoring every customer reads, one bounded batch at a time (two
 * indexed range scans per batch).
 */
export async function* customerBatches(
  db: Knex,
  projectId: string,
  referenceDate: Date,
  size: number,
): AsyncGenerator<{ transactions: TransactionLine[]; extras: CustomerExtras }> {
  let after: string | null = null;
  for (;;) {
    const customers: {
      id: string;
      customer_key: string;
      extra_features: CustomerExtras[number][1] | null;
    }[] = await db("customers")
      .where({ project_id: projectId })
      .modify((q) => {
        if (after !== null) q.andWhere("customer_key", ">", after);
      })
      .orderBy("customer_key")
      .limit(size)
      .select("id", "customer_key", "extra_features");
    if (customers.length === 0) return;
    const first = customers[0]!.customer_key;
    after = customers[customers.length - 1]!.customer_key;
    const idOf = new Map(customers.map((c) => [c.customer_key, c.id]));
    const rows: (Omit<TransactionRow, "customer_id"> & { customer_key: string })[] = await db("transactions")
      .where({ project_id: projectId })
      .andWhere("customer_key", ">=", first)
      .andWhere("customer_key", "<=", after)
      .andWhere("order_date", "<=", referenceDate)
      .select("customer_key", ...transactionColumns(db, "transactions"));
    yield {
      transactions: rows.map((r) => transactionLine(r, idOf.get(r.customer_key)!)),
      extras: customers.map((c) => [c.id, c.extra_features ?? {}]),
    };
    if (customers.length < size) return;
  }
}

/** Each customer's RFM and segmentation results: RFM scores and grid segment, ABC class and cluster segment. */
export async function saveSegmentation(
  db: Knex,
  rows: (CustomerRfm & {
    rfm_r_score: number;
    rfm_f_score: number;
    rfm_m_score: number;
    rfm_segment: string;
    abc_category: string;
    segment_id: string;
    segment_label: string;
  })[],
): Promise<void> {
  await bulkUpdateById(db, "customers", rows, {
    ...RFM_COLUMNS,
    rfm_r_score: "smallint",
    rfm_f_score: "smallint",
    rfm_m_score: "smallint",
    rfm_segment: "text",
    abc_category: "text",
    segment_id: "uuid",
    segment_label: "text",
  });
}

/** Each customer's predictions: churn score and risk, CLV and uplift, as of `scored_at`. */
export async function savePredictions(
  db: Knex,
  rows: {
    id: string;
    churn_score: number | null;
    churn_risk: string | null;
    predicted_clv: number | null;
    uplift_score: number | null;
    scored_at: string;
  }[],
): Promise<void> {
  await bulkUpdateById(db, "customers", rows, {
    churn_score: "double precision",
    churn_risk: "text",
    predicted_clv: "double precision",
    uplift_score: "double precision",
    scored_at: "timestamptz",
  });
}

/**
 * The database's clock: a full run notes it before reading anything, and every customer an ingest changes
 * afterwards (its `updated_at`, set by the same clock) is one the next incremental run re-scores.
 */
export async function databaseClock(db: Knex): Promise<Date> {
  const result = await db.raw("SELECT clock_timestamp() AS now");
  return new Date(result.rows[0].now);
}

/** How many of the project's customers an ingest changed (or added) after `after`. */
export async function countChangedCustomers(db: Knex, projectId: string, after: Date): Promise<number> {
  const row = await db("customers")
    .where({ project_id: projectId })
    .andWhere("updated_at", ">", after)
    .count<{ n: string }>("* as n")
    .first();
  return Number(row?.n ?? 0);
}
