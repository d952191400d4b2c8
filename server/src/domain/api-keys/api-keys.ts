import type { Knex } from "knex";
import type { ApiKeyRow } from "../../db/api-keys.js";
import * as apiKeys from "../../db/api-keys.js";
import { DomainError, notFound } from "../errors.js";
import { generateApiKey } from "./api-key-secret.js";

/** Creates a key and returns it with its raw secret: the only moment the secret exists outside the caller. */
export async function createApiKey(
  db: Knex,
  input: { projectId: string; name: string; expiresAt?: string; createdBy: string },
  now: Date = new Date(),
): Promise<{ row: ApiKeyRow; key: string }> {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw new DomainError(
      "invalid",
      "validation_failed",
      "expires_in_past",
      { expiresAt: input.expiresAt ?? "" },
      {
        details: [
          {
            location: "body",
            field: "expiresAt",
            rule: "future",
            messageKey: "expires_in_past",
            params: { expiresAt: input.expiresAt ?? "" },
          },
        ],
        errorCount: 1,
      },
    );
  }
  const { key, prefix, hash } = generateApiKey();
  const row = await apiKeys.insertApiKey(db, {
    projectId: input.projectId,
    name: input.name,
    keyPrefix: prefix,
    keyHash: hash,
    expiresAt,
    createdBy: input.createdBy,
  });
  return { row, key };
}

export async function requireApiKey(db: Knex, projectId: string, keyId: string): Promise<ApiKeyRow> {
  const row = await apiKeys.findApiKey(db, projectId, keyId);
  if (!row) throw notFound("API key", keyId);
  return row;
}
