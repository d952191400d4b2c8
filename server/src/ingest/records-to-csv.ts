import { stringify } from "csv-stringify/sync";
import { CANONICAL_FIELDS, isCanonicalField } from "./fields.js";

/**
 * An API batch as CSV, so that it is queued and read like an upload: the header is our fields present in any
 * record (in CANONICAL_FIELDS order), then the other keys in the order first seen; each value is cellText.
 * Read it back with `resolveColumns(headers, canonicalMapping(headers))`.
 */
export function recordsToCsv(records: readonly Readonly<Record<string, unknown>>[]): string {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  if (keys.size === 0) return "";
  const columns = [
    ...CANONICAL_FIELDS.filter((field) => keys.has(field)),
    ...[...keys].filter((key) => !isCanonicalField(key)),
  ];
  return stringify([columns, ...records.map((record) => columns.map((column) => cellText(record[column])))]);
}

/**
 * A JSON value as CSV cell text: strings as they are, numbers via String (which reads back to the same double),
 * booleans `true`/`false`, null and absent values empty, objects and arrays as JSON.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}
