import type { Knex } from "knex";
import type { CustomerBehaviour } from "../engine/customer.js";
import { bulkUpdateById } from "./bulk-update.js";

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
 * RFM per customer, in SQL over the transactions up to the reference date:
 * - recency: whole days since the customer's last transaction;
 * - frequency: distinct orders among purchases (an order is its order_id, else its timestamp);
 * - monetary: net value, purchases minus the absolute value of returns;
 * - return rate: returned value / purchased value, capped at 1 (0 when nothing was purchased).
 * Returns the number of customers scored.
 */
export async function computeRfm(db: Knex, projectId: string, referenceDate: Date): Promise<number> {
  const result = await db.raw(
    `WITH agg AS (
       SELECT customer_key,
              max(order_date) AS last_at,
              count(DISTINCT coalesce(order_id, order_date::text)) FILTER (WHERE NOT is_return) AS orders,
              coalesce(sum(amount) FILTER (WHERE NOT is_return), 0) AS gross,
              coalesce(sum(abs(amount)) FILTER (WHERE is_return), 0) AS returned
         FROM transactions
        WHERE project_id = ? AND order_date <= ?
        GROUP BY customer_key)
     UPDATE customers AS c SET
       rfm_recency_days = greatest(0, floor(extract(epoch FROM (?::timestamptz - agg.last_at)) / 86400))::int,
       rfm_frequency = agg.orders,
       rfm_monetary = agg.gross - agg.returned,
       return_rate = CASE WHEN agg.gross > 0 THEN least(1, agg.returned / agg.gross) ELSE 0 END
     FROM agg
     WHERE c.project_id = ? AND c.customer_key = agg.customer_key`,
    [projectId, referenceDate, referenceDate, projectId],
  );
  return result.rowCount ?? 0;
}

export async function loadCustomerFeatures(
  db: Knex,
  projectId: string,
  referenceDate: Date,
): Promise<CustomerBehaviour[]> {
  const rows = await db("customers")
    .where({ project_id: projectId })
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

/** Every purchase day of the project's customers up to the reference date (the churn models' input). */
export async function loadPurchaseHistory(
  db: Knex,
  projectId: string,
  referenceDate: Date,
): Promise<{ customerId: string; at: Date; amount: number }[]> {
  const rows = await db("transactions as t")
    .join("customers as c", function () {
      this.on("c.project_id", "t.project_id").andOn("c.customer_key", "t.customer_key");
    })
    .where("t.project_id", projectId)
    .andWhere("t.order_date", "<=", referenceDate)
    .andWhere("t.is_return", false)
    .select("c.id as customer_id", "t.order_date", "t.amount");
  return rows.map((r) => ({
    customerId: r.customer_id,
    at: new Date(r.order_date),
    amount: Number(r.amount),
  }));
}

/** Replaces a project's customer embeddings (one transaction: readers see the old set or the new one). */
export async function replaceEmbeddings(
  db: Knex,
  projectId: string,
  rows: { customer_id: string; embedding: string }[],
) {
  await db.transaction(async (trx) => {
    await trx("customer_embeddings").where({ project_id: projectId }).delete();
    for (let i = 0; i < rows.length; i += 5000) {
      await trx.raw(
        `INSERT INTO customer_embeddings (customer_id, project_id, embedding)
         SELECT r.customer_id, ?, r.embedding::vector FROM jsonb_to_recordset(?::jsonb) AS r(customer_id uuid, embedding text)`,
        [projectId, JSON.stringify(rows.slice(i, i + 5000))],
      );
    }
  });
}

/** Each customer's segmentation results: RFM scores, ABC class and segment. */
export async function saveSegmentation(
  db: Knex,
  rows: {
    id: string;
    rfm_r_score: number;
    rfm_f_score: number;
    rfm_m_score: number;
    abc_category: string;
    segment_id: string;
    segment_label: string;
  }[],
): Promise<void> {
  await bulkUpdateById(db, "customers", rows, {
    rfm_r_score: "smallint",
    rfm_f_score: "smallint",
    rfm_m_score: "smallint",
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
