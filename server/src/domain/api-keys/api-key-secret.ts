import { createHash, randomBytes } from "node:crypto";

/** `sk_live_` + 64 lowercase hex characters (32 bytes from the CSPRNG). */
export const API_KEY_PATTERN = /^sk_live_[0-9a-f]{64}$/;

export function generateApiKey(): { key: string; prefix: string; hash: Buffer } {
  const key = `sk_live_${randomBytes(32).toString("hex")}`;
  return { key, prefix: key.slice(0, "sk_live_".length + 6), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}
