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
 * With `changedAfter` (an incremental run), only the customers an ingest changed after that time. Returns the
 * number of customers updated.
 */
export async function computeRfm(
  db: Knex,
  projectId: string,
  referenceDate: Date,
  changedAfter?: Date,
): Promise<number> {
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
     UPDATE customers AS c SET
       -- greatest() skips nulls: without a purchase, recency must stay null, not become 0.
       rfm_recency_days = CASE WHEN agg.last_at IS NOT NULL
         THEN greatest(0, floor(extract(epoch FROM (?::timestamptz - agg.last_at)) / 86400))::int END,
       rfm_frequency = agg.orders,
       rfm_monetary = agg.gross - agg.returned,
       return_rate = CASE WHEN agg.gross > 0 THEN least(1, agg.returned / agg.gross)
                          WHEN agg.returned > 0 THEN 1 ELSE 0 END
     FROM agg
     WHERE c.project_id = ? AND c.customer_key = agg.customer_key`,
    [projectId, referenceDate, ...(changedAfter ? [projectId, changedAfter] : []), referenceDate, projectId],
  );
  return result.rowCount ?? 0;
}

/** The scored customers' behaviour (with `changedAfter`: only those an ingest changed after that time). */
export async function loadCustomerFeatures(
  db: Knex,
  projectId: string,
  referenceDate: Date,
  changedAfter?: Date,
): Promise<CustomerBehaviour[]> {
  const query = db("customers").where({ project_id: projectId });
  if (changedAfter) query.andWhere("updated_at", ">", changedAfter);
  const rows = await query
    .whereNotNull("rfm_recency_days")
    .orderBy("id")
    .select(
      "id",
      "rfm_recency_days",
      "rfm_frequency",
      "rfm_monetary",
      "return_rate",
      db.raw(
        "greatest(0, floor(extract(epoch FROM (?::timestamptz - first_transaction_at)) / 86400))::int AS tenure_days",
        [referenceDate],
      ),
    );
  return rows.map((r) => ({
    id: r.id,
    recencyDays: r.rfm_recency_days,
    frequency: r.rfm_frequency,
    monetary: Number(r.rfm_monetary),
    returnRate: r.return_rate,
    tenureDays: r.tenure_days,
  }));
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
  const rows = await db("transactions as t")
    .join("customers as c", function () {
      this.on("c.project_id", "t.project_id").andOn("c.customer_key", "t.customer_key");
    })
    .where("t.project_id", projectId)
    .andWhere("t.order_date", "<=", referenceDate)
    .andWhere(inSample(db, "t.customer_key", sample))
    .select("c.id as customer_id", "t.order_date", "t.amount", "t.order_id", "t.is_return");
  return rows.map(transactionLine);
}

const transactionLine = (r: {
  customer_id: string;
  order_date: Date | string;
  amount: string | number;
  order_id: string | null;
  is_return: boolean;
}): TransactionLine => ({
  customerId: r.customer_id,
  at: new Date(r.order_date),
  amount: Number(r.amount),
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
    const rows = await db("transactions")
      .where({ project_id: projectId })
      .andWhere("customer_key", ">=", first)
      .andWhere("customer_key", "<=", after)
      .andWhere("order_date", "<=", referenceDate)
      .select("customer_key", "order_date", "amount", "order_id", "is_return");
    yield {
      transactions: rows.map((r) => transactionLine({ ...r, customer_id: idOf.get(r.customer_key)! })),
      extras: customers.map((c) => [c.id, c.extra_features ?? {}]),
    };
    if (customers.length < size) return;
  }
}

/** Each customer's segmentation results: RFM scores and grid segment, ABC class and cluster segment. */
export async function saveSegmentation(
  db: Knex,
  rows: {
    id: string;
    rfm_r_score: number;
    rfm_f_score: number;
    rfm_m_score: number;
    rfm_segment: string;
    abc_category: string;
    segment_id: string;
    segment_label: string;
  }[],
): Promise<void> {
  await bulkUpdateById(db, "customers", rows, {
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
