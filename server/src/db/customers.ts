import type { Knex } from "knex";

/** The customers table, as the Engine's API reads it. Only scored customers (with RFM) are listed. */
export interface CustomerRow {
  id: string;
  customer_key: string;
  customer_id_hash: string;
  segment_id: string | null;
  segment_label: string | null;
  churn_score: number | null;
  churn_risk: "low" | "medium" | "high" | null;
  abc_category: "A" | "B" | "C" | null;
  rfm_recency_days: number;
  rfm_frequency: number;
  /** NUMERIC, as Postgres writes it: parsed where it is presented. */
  rfm_monetary: string;
  rfm_r_score: number | null;
  rfm_f_score: number | null;
  rfm_m_score: number | null;
  rfm_segment: string | null;
  return_rate: number;
  uplift_score: number | null;
  predicted_clv: number | null;
  first_transaction_at: Date;
  last_transaction_at: Date;
  extra_features: Record<string, unknown>;
}

export const CUSTOMER_COLUMNS = [
  "id",
  "customer_key",
  "customer_id_hash",
  "segment_id",
  "segment_label",
  "churn_score",
  "churn_risk",
  "abc_category",
  "rfm_recency_days",
  "rfm_frequency",
  "rfm_monetary",
  "rfm_r_score",
  "rfm_f_score",
  "rfm_m_score",
  "rfm_segment",
  "return_rate",
  "uplift_score",
  "predicted_clv",
  "first_transaction_at",
  "last_transaction_at",
  "extra_features",
];

export interface Condition {
  sql: string;
  bindings: unknown[];
}

/** The scored customers of a project that meet every condition. */
export function scoredCustomers(db: Knex, projectId: string, conditions: Condition[]): Knex.QueryBuilder {
  const query = db("customers").where({ project_id: projectId }).whereNotNull("rfm_recency_days");
  for (const condition of conditions) query.whereRaw(condition.sql, condition.bindings as never[]);
  return query;
}

export interface CustomerOrder {
  column: string;
  direction: "asc" | "desc";
}

/** Where a cursor page starts: right after the customer with this sort value (as text; null sorts last) and id. */
export interface CustomerCursor {
  value: string | null;
  id: string;
}

/** A page by number (offset) or right after a customer (keyset, stable while scores change). */
export type CustomerPage = { limit: number; offset: number } | { limit: number; after: CustomerCursor };

/**
 * Unfiltered lists of projects with more scored customers than this report the planner's estimate as their
 * total: an exact count reads every row of the project (62-78 ms at 100k), the estimate costs nothing and is
 * within a few percent once the pipeline has ANALYZEd the table. (bench:api at 100k serves it.)
 */
export const ESTIMATED_TOTAL_ABOVE = 50_000;

/**
 * The statements behind a page of the customers list: the page (one row more than asked, to tell whether more
 * follow; each row with its sort value as text, for the next cursor) and the total it belongs to. After a
 * cursor, the page is keyed on (sort value, id) in two index-friendly parts: the rest of the non-null values
 * (a range on the sort column, ties past the cursor's id), then the nulls, which sort last either way.
 */
export function customerPageQueries(
  db: Knex,
  projectId: string,
  conditions: Condition[],
  order: CustomerOrder,
  page: CustomerPage,
): { page: Knex.QueryBuilder | Knex.Raw; count: Knex.QueryBuilder } {
  const count = scoredCustomers(db, projectId, conditions).count({ count: "*" });
  const rows = () =>
    scoredCustomers(db, projectId, conditions).select([
      ...CUSTOMER_COLUMNS,
      db.raw("??::text AS sort_value", [order.column]),
    ]);
  const byOrder = `?? ${order.direction} NULLS LAST, id ASC`;
  if (!("after" in page))
    return {
      page: rows()
        .orderByRaw(byOrder, [order.column])
        .limit(page.limit + 1)
        .offset(page.offset),
      count,
    };
  const { after } = page;
  const nulls = rows()
    .whereNull(order.column)
    .orderBy("id")
    .limit(page.limit + 1);
  if (after.value === null) return { page: nulls.andWhere("id", ">", after.id), count };
  const [within, beyond] = order.direction === "desc" ? ["<=", "<"] : [">=", ">"];
  const values = rows()
    .where(order.column, within, after.value)
    .andWhere((q) => q.where(order.column, beyond, after.value).orWhere("id", ">", after.id))
    .orderByRaw(byOrder, [order.column])
    .limit(page.limit + 1);
  const [first, second] = [values.toSQL(), nulls.toSQL()];
  return {
    page: db.raw(
      `SELECT * FROM ((${first.sql}) UNION ALL (${second.sql})) AS keyed ORDER BY ${byOrder} LIMIT ?`,
      [...first.bindings, ...second.bindings, order.column, page.limit + 1],
    ),
    count,
  };
}

/** The project's scored customers as the planner estimates them (from the statistics ANALYZE keeps). */
async function estimatedScoredCustomers(db: Knex, projectId: string): Promise<number> {
  const sql = scoredCustomers(db, projectId, []).select(db.raw("1")).toSQL();
  const result = await db.raw(`EXPLAIN (FORMAT JSON) ${sql.sql}`, sql.bindings as never[]);
  const plan = result.rows[0]["QUERY PLAN"];
  return Math.round((typeof plan === "string" ? JSON.parse(plan) : plan)[0].Plan["Plan Rows"]);
}

export async function pageOfCustomers(
  db: Knex,
  projectId: string,
  conditions: Condition[],
  order: CustomerOrder,
  page: CustomerPage,
  options: { exactTotal?: boolean } = {},
): Promise<{
  rows: (CustomerRow & { sort_value: string | null })[];
  total: number;
  estimated: boolean;
  hasMore: boolean;
}> {
  const queries = customerPageQueries(db, projectId, conditions, order, page);
  const estimate =
    conditions.length === 0 && !options.exactTotal ? await estimatedScoredCustomers(db, projectId) : 0;
  const estimated = estimate > ESTIMATED_TOTAL_ABOVE;
  const [result, count] = await Promise.all([queries.page, estimated ? undefined : queries.count]);
  const rows = ("rows" in result ? result.rows : result) as (CustomerRow & { sort_value: string | null })[];
  return {
    rows: rows.slice(0, page.limit),
    total: estimated ? estimate : Number((count as { count: number }[])[0]?.count ?? 0),
    estimated,
    hasMore: rows.length > page.limit,
  };
}

export function findCustomer(
  db: Knex,
  customerId: string,
): Promise<(CustomerRow & { project_id: string }) | undefined> {
  return db("customers")
    .where({ id: customerId })
    .first([...CUSTOMER_COLUMNS, "project_id"]);
}

export function findCustomers(db: Knex, ids: string[]): Promise<CustomerRow[]> {
  return db("customers").whereIn("id", ids).select(CUSTOMER_COLUMNS);
}

export interface GroupStats {
  count: number;
  avg_recency_days: number;
  avg_frequency: number;
  avg_monetary: number;
  avg_churn_score: number | null;
  churn_risk: { low: number; medium: number; high: number };
  abc: { A: number; B: number; C: number };
}

/** Count, averages and distributions of the customers meeting the conditions, in one aggregate query. */
export async function groupStats(db: Knex, projectId: string, conditions: Condition[]): Promise<GroupStats> {
  const row = await scoredCustomers(db, projectId, conditions).first(
    db.raw("count(*)::int AS count"),
    db.raw("coalesce(avg(rfm_recency_days), 0)::float8 AS avg_recency_days"),
    db.raw("coalesce(avg(rfm_frequency), 0)::float8 AS avg_frequency"),
    db.raw("coalesce(avg(rfm_monetary), 0)::float8 AS avg_monetary"),
    db.raw("avg(churn_score)::float8 AS avg_churn_score"),
    db.raw("count(*) FILTER (WHERE churn_risk = 'low')::int AS low"),
    db.raw("count(*) FILTER (WHERE churn_risk = 'medium')::int AS medium"),
    db.raw("count(*) FILTER (WHERE churn_risk = 'high')::int AS high"),
    db.raw("count(*) FILTER (WHERE abc_category = 'A')::int AS a"),
    db.raw("count(*) FILTER (WHERE abc_category = 'B')::int AS b"),
    db.raw("count(*) FILTER (WHERE abc_category = 'C')::int AS c"),
  );
  return {
    count: row.count,
    avg_recency_days: row.avg_recency_days,
    avg_frequency: row.avg_frequency,
    avg_monetary: row.avg_monetary,
    avg_churn_score: row.avg_churn_score,
    churn_risk: { low: row.low, medium: row.medium, high: row.high },
    abc: { A: row.a, B: row.b, C: row.c },
  };
}

/**
 * Search breadth of the HNSW index for similar customers. recall@10 against an exact scan measured by
 * `npm run bench:api` (m = 8, ef_construction = 32, six dimensions): 0.999 at 100k customers and 0.967 at 1M
 * with 200; lower values lose recall at 1M first, higher ones cost latency for nothing at 100k.
 */
export const SIMILAR_EF_SEARCH = 200;

/**
 * The statement behind similar customers: the query vector is a scalar subquery (an init plan, a constant for
 * the scan) so the planner can walk the HNSW index in distance order; a join to the target row would make the
 * vector a per-row value and force a scan and sort of the whole project. Neighbours' profiles come from the
 * same statement. `relaxed_order` lets the scan return slightly out of order, hence the final sort.
 */
export function similarCustomersQuery(db: Knex, projectId: string, customerId: string, limit: number) {
  const query = "(SELECT embedding FROM customer_embeddings WHERE project_id = ? AND customer_id = ?)";
  return db.raw(
    `SELECT ${CUSTOMER_COLUMNS.map((c) => `c.${c}`).join(", ")}, 1 - nearest.distance / 2 AS similarity
       FROM (SELECT e.customer_id, e.embedding <=> ${query} AS distance
               FROM customer_embeddings e
              WHERE e.project_id = ? AND e.customer_id <> ?
              ORDER BY e.embedding <=> ${query}
              LIMIT ?) nearest
       JOIN customers c ON c.id = nearest.customer_id
      WHERE nearest.distance IS NOT NULL
      ORDER BY nearest.distance, c.id`,
    [projectId, customerId, projectId, customerId, projectId, customerId, limit],
  );
}

/** Settings of a similar-customers search, for the transaction it runs in (one round trip). */
// JIT off: the statement touches a few dozen rows, but a large project's cost estimate can cross jit_above_cost
// and compiling would take longer than the search.
export const SIMILAR_SEARCH_SETTINGS = `SET LOCAL hnsw.ef_search = ${SIMILAR_EF_SEARCH}; SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL jit = off`;

/**
 * The `limit` customers of the same project nearest to one by embedding (cosine), with their profiles, in one
 * transaction of two round trips. The iterative index scan keeps going until enough neighbours of this project
 * are found, so the project filter does not cost recall.
 */
export async function similarCustomers(
  db: Knex,
  projectId: string,
  customerId: string,
  limit: number,
): Promise<(CustomerRow & { similarity: number })[]> {
  return db.transaction(async (trx) => {
    await trx.raw(SIMILAR_SEARCH_SETTINGS);
    const result = await similarCustomersQuery(trx, projectId, customerId, limit);
    return (result.rows as (CustomerRow & { similarity: number })[]).map((r) => ({
      ...r,
      similarity: Number(r.similarity),
    }));
  });
}

/** The scored customers meeting `condition` (a segment's members), by id, optionally only among `onlyIds`. */
export function customersMeeting(
  db: Knex,
  projectId: string,
  condition: Condition,
  onlyIds?: string[],
): Promise<{ id: string; customer_key: string }[]> {
  const query = scoredCustomers(db, projectId, [condition]);
  if (onlyIds) query.whereIn("id", onlyIds);
  return query.orderBy("id").select("id", "customer_key");
}

/** Customer profiles of an organization: its customers over all projects (the profiles quota). */
export async function countOrganizationCustomers(db: Knex, organizationId: string): Promise<number> {
  const row = await db("customers as c")
    .join("projects as p", "p.id", "c.project_id")
    .where("p.organization_id", organizationId)
    .count<{ n: number }[]>({ n: "*" });
  return Number(row[0]?.n ?? 0);
}

/** Reservations that still count: their file is waiting for its ingest job and their customer is not stored. */
const LIVE_RESERVATION = `EXISTS (SELECT 1 FROM files f WHERE f.id = r.file_id AND f.status IN ('pending', 'processing'))
  AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.project_id = r.project_id AND c.customer_key = r.customer_key)`;

/**
 * Customer profiles of an organization, in one statement (one snapshot): its customers over all projects, and
 * the profiles reserved by its files still waiting for their ingest job. An ingest job stores its customers and
 * completes its file in one transaction, so no profile is seen twice or missed between the two counts.
 */
export async function organizationProfiles(
  db: Knex,
  organizationId: string,
): Promise<{ customers: number; reserved: number }> {
  const result = await db.raw(
    `SELECT (SELECT count(*) FROM customers c JOIN projects p ON p.id = c.project_id
              WHERE p.organization_id = ?)::int AS customers,
            (SELECT count(*) FROM profile_reservations r JOIN projects p ON p.id = r.project_id
              WHERE p.organization_id = ? AND ${LIVE_RESERVATION})::int AS reserved`,
    [organizationId, organizationId],
  );
  const row = result.rows[0] as { customers: number; reserved: number };
  return { customers: Number(row.customers), reserved: Number(row.reserved) };
}

const KEY_CHUNK = 10_000;

/**
 * The customer keys (distinct) the project has neither as a customer nor reserved by a file still being
 * ingested: the profiles an ingest of them would create that nobody has counted yet.
 */
export async function unreservedNewCustomerKeys(
  db: Knex,
  projectId: string,
  keys: string[],
): Promise<string[]> {
  const fresh: string[] = [];
  for (let i = 0; i < keys.length; i += KEY_CHUNK) {
    const result = await db.raw(
      `SELECT DISTINCT k.key FROM jsonb_array_elements_text(?::jsonb) AS k(key)
        WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.project_id = ? AND c.customer_key = k.key)
          AND NOT EXISTS (SELECT 1 FROM profile_reservations r
                           WHERE r.project_id = ? AND r.customer_key = k.key AND ${LIVE_RESERVATION})`,
      [JSON.stringify(keys.slice(i, i + KEY_CHUNK)), projectId, projectId],
    );
    for (const row of result.rows as { key: string }[]) fresh.push(row.key);
  }
  return fresh;
}

/** Reserves customer profiles for a file being accepted (see unreservedNewCustomerKeys). */
export async function reserveProfiles(
  db: Knex,
  file: { id: string; projectId: string },
  keys: string[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += KEY_CHUNK) {
    await db.raw(
      `INSERT INTO profile_reservations (project_id, customer_key, file_id)
       SELECT ?, k.key, ? FROM jsonb_array_elements_text(?::jsonb) AS k(key)`,
      [file.projectId, file.id, JSON.stringify(keys.slice(i, i + KEY_CHUNK))],
    );
  }
}
