/**
 * Our names for the columns of a transaction or campaign-exposure row, as the ingest API spells them
 * (IngestRecord in openapi/segmento.yaml). Every other column is an extra feature of the customer.
 */
export const CANONICAL_FIELDS = [
  "customer_id",
  "order_date",
  "amount",
  "quantity",
  "unit_price",
  "order_id",
  "currency",
  "status",
  "type",
  "campaign_id",
  "group",
  "exposed_at",
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

const canonical: ReadonlySet<string> = new Set(CANONICAL_FIELDS);

export function isCanonicalField(name: string): name is CanonicalField {
  return canonical.has(name);
}

/**
 * A JSON value as cell text, the form a file would give it: strings as they are, numbers via String (which
 * reads back to the same double), booleans `true`/`false`, null and absent values empty, objects and arrays as
 * JSON.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}
