import type { Knex } from "knex";

/** The api_keys table. Holds SHA-256 digests of keys, never keys. */
export interface ApiKeyRow {
  id: string;
  project_id: string;
  name: string;
  key_prefix: string;
  key_hash: Buffer;
  enabled: boolean;
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
}

export function insertApiKey(
  db: Knex,
  key: {
    projectId: string;
    name: string;
    keyPrefix: string;
    keyHash: Buffer;
    expiresAt: Date | null;
    createdBy: string;
  },
): Promise<ApiKeyRow> {
  return db("api_keys")
    .insert({
      project_id: key.projectId,
      name: key.name,
      key_prefix: key.keyPrefix,
      key_hash: key.keyHash,
      expires_at: key.expiresAt,
      created_by: key.createdBy,
    })
    .returning("*")
    .then((rows) => rows[0] as ApiKeyRow);
}

export function findApiKeyByHash(db: Knex, keyHash: Buffer): Promise<ApiKeyRow | undefined> {
  return db("api_keys").where({ key_hash: keyHash }).first();
}

export function findApiKey(db: Knex, projectId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  return db("api_keys").where({ id: keyId, project_id: projectId }).first();
}

export function listApiKeys(db: Knex, projectId: string): Promise<ApiKeyRow[]> {
  return db("api_keys").where({ project_id: projectId }).orderBy("created_at", "desc");
}

export async function updateApiKey(
  db: Knex,
  keyId: string,
  changes: { name?: string; enabled?: boolean },
): Promise<ApiKeyRow> {
  const [row] = await db("api_keys").where({ id: keyId }).update(changes).returning("*");
  return row as ApiKeyRow;
}

export async function deleteApiKey(db: Knex, keyId: string): Promise<void> {
  await db("api_keys").where({ id: keyId }).delete();
}

/** Records use, at most once a minute per key, so busy keys do not turn every request into a write. */
export async function touchApiKey(db: Knex, keyId: string): Promise<void> {
  await db("api_keys")
    .where({ id: keyId })
    .andWhere((q) =>
      q.whereNull("last_used_at").orWhere("last_used_at", "<", db.raw("now() - interval '1 minute'")),
    )
    .update({ last_used_at: db.fn.now() });
}
