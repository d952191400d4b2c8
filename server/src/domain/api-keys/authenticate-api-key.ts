import { timingSafeEqual } from "node:crypto";
import type { Knex } from "knex";
import type { Logger } from "pino";
import { findApiKeyByHash, touchApiKey } from "../../db/api-keys.js";
import { DomainError } from "../errors.js";
import { API_KEY_PATTERN, hashApiKey } from "./api-key-secret.js";

export interface ApiKeyPrincipal {
  kind: "apiKey";
  keyId: string;
  projectId: string;
}

const bearerToken = (authorization: string | undefined) =>
  authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;

/**
 * The id of the key an `Authorization` header holds when it is a well-formed key that exists, else undefined.
 * Whether it is enabled or expired does not matter here: this names whose requests they are (for rate limits).
 */
export async function existingApiKeyId(
  db: Knex,
  authorization: string | undefined,
): Promise<string | undefined> {
  const key = bearerToken(authorization);
  if (key === undefined || !API_KEY_PATTERN.test(key)) return undefined;
  return (await findApiKeyByHash(db, hashApiKey(key)))?.id;
}

/**
 * Checks `Authorization: Bearer sk_live_...`. Returns undefined when no bearer credential was sent (so another
 * scheme may apply); throws a 401 with its own code for a malformed, unknown, disabled or expired key.
 */
export async function authenticateApiKey(
  db: Knex,
  log: Logger,
  authorization: string | undefined,
  now: Date = new Date(),
): Promise<ApiKeyPrincipal | undefined> {
  const key = bearerToken(authorization);
  if (key === undefined) return undefined;
  if (!API_KEY_PATTERN.test(key))
    throw new DomainError("unauthenticated", "api_key_malformed", "api_key_malformed");
  const hash = hashApiKey(key);
  const row = await findApiKeyByHash(db, hash);
  // The lookup is by digest; the compare is constant-time anyway, so no timing reveals how close a guess was.
  if (!row || !timingSafeEqual(row.key_hash, hash))
    throw new DomainError("unauthenticated", "api_key_unknown", "api_key_unknown");
  if (!row.enabled)
    throw new DomainError("unauthenticated", "api_key_disabled", "api_key_disabled", {
      prefix: row.key_prefix,
    });
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) {
    throw new DomainError("unauthenticated", "api_key_expired", "api_key_expired", {
      prefix: row.key_prefix,
      expiredAt: row.expires_at.toISOString(),
    });
  }
  // Not awaited: recording use must not slow the request down.
  touchApiKey(db, row.id).catch((error: unknown) =>
    log.warn({ err: error, keyId: row.id }, "could not record API key use"),
  );
  return { kind: "apiKey", keyId: row.id, projectId: row.project_id };
}
