import type { Knex } from "knex";

/** The idempotency_keys table: one row per (scope, key), holding the first response once it succeeded. */
export type Claim =
  | { kind: "new" }
  | { kind: "replay"; statusCode: number; body: unknown }
  | { kind: "mismatch" }
  | { kind: "in_progress" };

const TTL = "24 hours";

/**
 * Claims a key for a request. The insert is the lock: whoever inserts first runs the request; later callers
 * see its stored response, or that it is still running, or that the key came with a different request.
 */
export async function claimIdempotencyKey(
  db: Knex,
  scope: string,
  key: string,
  requestHash: string,
): Promise<Claim> {
  await db("idempotency_keys")
    .where({ scope, key })
    .andWhere("created_at", "<", db.raw(`now() - interval '${TTL}'`))
    .delete();
  const inserted = await db("idempotency_keys")
    .insert({ scope, key, request_hash: requestHash })
    .onConflict(["scope", "key"])
    .ignore()
    .returning("key");
  if (inserted.length > 0) return { kind: "new" };
  const row = await db("idempotency_keys").where({ scope, key }).first();
  if (!row) return claimIdempotencyKey(db, scope, key, requestHash);
  if (row.request_hash !== requestHash) return { kind: "mismatch" };
  if (row.status_code === null) return { kind: "in_progress" };
  return { kind: "replay", statusCode: row.status_code, body: row.response_body };
}

export async function completeIdempotencyKey(
  db: Knex,
  scope: string,
  key: string,
  statusCode: number,
  body: unknown,
) {
  await db("idempotency_keys")
    .where({ scope, key })
    .update({ status_code: statusCode, response_body: JSON.stringify(body ?? null) });
}

/** Forgets a claim whose request failed, so the same key can be retried. */
export async function releaseIdempotencyKey(db: Knex, scope: string, key: string) {
  await db("idempotency_keys").where({ scope, key }).whereNull("status_code").delete();
}
