import type { Knex } from "knex";

/** The one-way key a suppressed customer is kept under: no customer id is stored to keep it erased. */
const SUPPRESSION_HASH = "encode(sha256(convert_to(?::text || ':' || ?::text, 'UTF8')), 'hex')";

/** A project's customer by our id (when `idOrKey` is a UUID) or by the ingested customer id. */
export async function findCustomerToErase(
  db: Knex,
  projectId: string,
  idOrKey: string,
  isUuid: boolean,
): Promise<{ id: string; customer_key: string } | undefined> {
  const query = db("customers").where({ project_id: projectId });
  if (isUuid) query.andWhere((q) => q.where({ id: idOrKey }).orWhere({ customer_key: idOrKey }));
  else query.andWhere({ customer_key: idOrKey });
  return query.first("id", "customer_key");
}

export interface ErasedCounts {
  transactions: number;
  exposures: number;
  memberships: number;
  segment_events: number;
  embeddings: number;
  deliveries: number;
}

/**
 * Deletes one customer and everything stored about them, in the caller's transaction; undefined when the
 * customer is already gone. Rows keyed by the customer's row cascade with it, so they are counted first.
 */
export async function eraseCustomerRows(
  trx: Knex.Transaction,
  projectId: string,
  customerId: string,
): Promise<({ customer_key: string } & ErasedCounts) | undefined> {
  const customer = await trx("customers")
    .where({ project_id: projectId, id: customerId })
    .forUpdate()
    .first("customer_key");
  if (!customer) return undefined;
  const count = async (table: string) =>
    Number(
      (await trx(table).where({ customer_id: customerId }).count<{ count: string }[]>("* as count"))[0]
        ?.count ?? 0,
    );
  const byRow = {
    memberships: await count("segment_memberships"),
    segment_events: await count("segment_events"),
    embeddings: await count("customer_embeddings"),
    deliveries: await count("deliveries"),
  };
  const byKey = { project_id: projectId, customer_key: customer.customer_key };
  const transactions = await trx("transactions").where(byKey).delete();
  const exposures = await trx("campaign_exposures").where(byKey).delete();
  await trx("customers").where({ id: customerId }).delete();
  return { customer_key: customer.customer_key, transactions, exposures, ...byRow };
}

/** Keeps a customer erased: later ingests of the same customer id in the project are dropped. */
export async function suppressCustomer(
  trx: Knex.Transaction,
  projectId: string,
  customerKey: string,
): Promise<void> {
  await trx.raw(
    `INSERT INTO customer_suppressions (project_id, customer_key_hash) VALUES (?, ${SUPPRESSION_HASH})
     ON CONFLICT DO NOTHING`,
    [projectId, projectId, customerKey],
  );
}

/** The condition, on a table with `customer_key`, that drops the rows of suppressed customers (ingest). */
export const suppressedKeySql = `EXISTS (SELECT 1 FROM customer_suppressions s
  WHERE s.project_id = ? AND s.customer_key_hash = ${SUPPRESSION_HASH.replace("?::text || ':' || ?::text", "?::text || ':' || customer_key")})`;

export interface AuditEvent {
  organization_id: string;
  project_id: string;
  action: string;
  actor_kind: string;
  actor_id: string;
  job_id?: string;
  details?: Record<string, unknown>;
}

export async function insertAuditEvent(db: Knex, event: AuditEvent): Promise<void> {
  await db("audit_events").insert({ ...event, details: JSON.stringify(event.details ?? {}) });
}
