import { DomainError, type PendingDetail } from "../domain/errors.js";

/**
 * Limits every request's JSON meets before anything walks it recursively (ajv, the filter language, ingest):
 * a nesting depth no real request comes near, and no NUL characters (PostgreSQL text cannot hold them).
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests deeper than `limit`, found by one pass over its bytes without parsing it (so a
 * hostile depth never reaches JSON.parse or a recursive walk). Brackets inside strings do not count.
 */
export function nestsDeeperThan(text: string | Uint8Array, limit = MAX_JSON_DEPTH): boolean {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) depth -= 1;
  }
  return false;
}

/** The 400 for JSON nested past MAX_JSON_DEPTH, naming where it came from (`body`, `filters`). */
export function tooDeeplyNested(location: PendingDetail["location"], field: string): DomainError {
  const params = { field, limit: MAX_JSON_DEPTH };
  return new DomainError("invalid", "too_deeply_nested", "too_deeply_nested", params, {
    details: [{ location, field, rule: "maxDepth", messageKey: "rule.maxDepth", params }],
    errorCount: 1,
  });
}

/**
 * Every string (value or key) holding a NUL character, as details naming its path the way validation does
 * (`records[1].customer_id`, with the record's index for batches). Iterative: depth was checked before, but
 * no walk here relies on it.
 */
export function nulCharacters(
  value: unknown,
  location: PendingDetail["location"],
  root = "",
): PendingDetail[] {
  const details: PendingDetail[] = [];
  const report = (field: string) => {
    const name = field || location;
    const record = /^records\[(\d+)\]/.exec(name);
    details.push({
      location,
      field: name,
      rule: "noNul",
      ...(record ? { index: Number(record[1]) } : {}),
      messageKey: "rule.noNul",
      params: { field: name },
    });
  };
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0) {
    const [node, path] = pending.pop()!;
    if (typeof node === "string") {
      if (node.includes("\u0000")) report(path);
    } else if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) pending.push([child, `${path}[${i}]`]);
    } else if (typeof node === "object" && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        // A key with a NUL is named by where it sits; the key itself is shown escaped.
        if (key.includes("\u0000")) report(`${path ? `${path}.` : ""}${key.replaceAll("\u0000", "\\u0000")}`);
        else pending.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
  return details.reverse();
}
