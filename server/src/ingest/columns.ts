import { CANONICAL_FIELDS, type CanonicalField, isCanonicalField } from "./fields.js";
import type { Problem } from "./problems.js";

/**
 * Header names recognised for each field when the request does not map it. Names are compared after trimming,
 * lowercasing and removing spaces, underscores and dashes ("CustomerID", "Customer ID" and "customer-id" all
 * match `customer_id`). When a file has several candidates the name listed first wins; the others stay extra
 * features. No name appears under two fields. Generic words are kept only where they are what a shop export
 * calls the column (`date`, `total`, `value`, `price`, `type`, `group`); map a field to "" to keep such a column
 * an extra feature instead.
 */
export const HEADER_SYNONYMS: Readonly<Record<CanonicalField, readonly string[]>> = {
  customer_id: [
    "customer_id",
    "customer",
    "customer_no",
    "customer_number",
    "customer_code",
    "cust_id",
    "cust_no",
    "client_id",
    "client",
    "user_id",
    "buyer_id",
    "member_id",
    "shopper_id",
  ],
  order_date: [
    "order_date",
    "invoice_date",
    "date",
    "purchase_date",
    "transaction_date",
    "sale_date",
    "order_datetime",
    "invoice_datetime",
    "order_time",
    "purchase_time",
    "transaction_time",
    "ordered_at",
    "purchased_at",
    "created_at",
    "datetime",
    "timestamp",
  ],
  amount: [
    "amount",
    "total",
    "revenue",
    "sales",
    "value",
    "price_total",
    "order_total",
    "total_amount",
    "total_price",
    "order_amount",
    "order_value",
    "sales_amount",
    "line_total",
    "dollar_value",
    "monetary",
    "spend",
  ],
  quantity: ["quantity", "qty", "units", "unit_count", "item_count", "quantity_ordered", "number_of_units"],
  unit_price: ["unit_price", "price", "price_each", "price_per_unit", "item_price"],
  order_id: [
    "order_id",
    "invoice_no",
    "invoice",
    "invoice_id",
    "invoice_number",
    "order",
    "order_no",
    "order_number",
    "transaction_id",
    "transaction",
    "transaction_no",
    "receipt_id",
    "receipt_no",
    "txn_id",
  ],
  currency: ["currency", "currency_code"],
  status: ["status", "order_status", "transaction_status"],
  type: ["type", "record_type"],
  campaign_id: ["campaign_id", "campaign"],
  group: ["group", "exposure_group", "test_group"],
  exposed_at: ["exposed_at", "exposure_date", "exposure_time", "exposed_on"],
};

/** Which column (0-based) holds each field, and the other columns, kept as the customer's extra features. */
export type ColumnMapping = Record<CanonicalField, number | undefined> & {
  extra: { name: string; index: number }[];
  /** The header's width: every row must have this many values. */
  columnCount: number;
};

export type ColumnResolution = { ok: true; mapping: ColumnMapping } | { ok: false; problems: Problem[] };

/** "Customer ID" -> "customerid": the form header names are compared in. */
export const comparableName = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "");

const SHOWN_COLUMNS_LIMIT = 30;

/**
 * Decides which column holds each field. `explicit` (the request's mapping) wins: it sends a field to a header
 * (matched exactly after trimming, else as comparableName), or to "" for "not in this file"; unknown fields and
 * missing headers are problems. Other fields are detected from HEADER_SYNONYMS among the columns still free.
 * The file must then give a customer id, and either purchase columns (a date, and an amount or quantity and
 * unit price) or a `type` column (a file of campaign exposures only). Columns with a blank header are ignored;
 * a header name used twice is a problem.
 */
export function resolveColumns(
  headers: readonly string[],
  explicit: Readonly<Record<string, string | undefined>> = {},
): ColumnResolution {
  const names = headers.map((header) => header.trim());
  const comparable = names.map(comparableName);
  const available = listColumns(names);
  const problems: Problem[] = duplicateHeaders(names);
  const mapping = Object.fromEntries(CANONICAL_FIELDS.map((field) => [field, undefined])) as Record<
    CanonicalField,
    number | undefined
  >;
  const decided = new Set<string>();
  const used = new Set<number>();

  for (const [field, column] of Object.entries(explicit)) {
    if (column === undefined) continue;
    decided.add(field);
    if (!isCanonicalField(field)) {
      problems.push({
        field,
        rule: "unknown_field",
        messageKey: "ingest.mapping_unknown_field",
        params: { field, fields: CANONICAL_FIELDS.join(", ") },
      });
      continue;
    }
    if (column.trim() === "") continue;
    const index = findColumn(names, comparable, column);
    if (index === undefined) {
      problems.push({
        field,
        rule: "column_not_found",
        messageKey: "ingest.mapping_column_missing",
        params: { field, column, available },
      });
      continue;
    }
    mapping[field] = index;
    used.add(index);
  }

  for (const field of CANONICAL_FIELDS) {
    if (decided.has(field)) continue;
    for (const synonym of HEADER_SYNONYMS[field].map(comparableName)) {
      const index = comparable.findIndex((name, i) => name === synonym && names[i] !== "" && !used.has(i));
      if (index >= 0) {
        mapping[field] = index;
        used.add(index);
        break;
      }
    }
  }

  // A field whose mapping already failed has its problem; do not report it missing as well.
  const mappingFailed = (...fields: CanonicalField[]) =>
    problems.some((problem) => fields.includes(problem.field as CanonicalField));
  if (mapping.customer_id === undefined && !mappingFailed("customer_id")) {
    problems.push(missingColumn("customer_id", available));
  }
  if (mapping.type === undefined) {
    if (mapping.order_date === undefined && !mappingFailed("order_date")) {
      problems.push(missingColumn("order_date", available));
    }
    const amountFromParts = mapping.quantity !== undefined && mapping.unit_price !== undefined;
    if (
      mapping.amount === undefined &&
      !amountFromParts &&
      !mappingFailed("amount", "quantity", "unit_price")
    ) {
      problems.push({
        field: "amount",
        rule: "required_column",
        messageKey: "ingest.amount_column_missing",
        params: { field: "amount", available },
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const extra = names.flatMap((name, index) => (name === "" || used.has(index) ? [] : [{ name, index }]));
  return { ok: true, mapping: { ...mapping, extra, columnCount: headers.length } };
}

/** One row's values split into the fields and the extra features, per the mapping. */
export function applyMapping(
  mapping: ColumnMapping,
  values: readonly string[],
): { values: Partial<Record<CanonicalField, string>>; extra: Record<string, string> } {
  const fields: Partial<Record<CanonicalField, string>> = {};
  for (const field of CANONICAL_FIELDS) {
    const index = mapping[field];
    if (index !== undefined) fields[field] = values[index];
  }
  const extra: Record<string, string> = {};
  for (const { name, index } of mapping.extra) {
    const value = values[index];
    if (value !== undefined) extra[name] = value;
  }
  return { values: fields, extra };
}

function findColumn(names: string[], comparable: string[], column: string): number | undefined {
  const exact = names.indexOf(column.trim());
  if (exact >= 0) return exact;
  const loose = comparable.indexOf(comparableName(column));
  return loose >= 0 && names[loose] !== "" ? loose : undefined;
}

function duplicateHeaders(names: string[]): Problem[] {
  const first = new Map<string, number>();
  const problems: Problem[] = [];
  names.forEach((name, index) => {
    if (name === "") return;
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, index);
      return;
    }
    problems.push({
      field: name,
      rule: "duplicate_column",
      messageKey: "ingest.duplicate_column",
      params: { column: name, first: earlier + 1, second: index + 1 },
    });
  });
  return problems;
}

function missingColumn(field: CanonicalField, available: string): Problem {
  return {
    field,
    rule: "required_column",
    messageKey: "ingest.column_missing",
    params: { field, available, synonyms: HEADER_SYNONYMS[field].join(", ") },
  };
}

function listColumns(names: string[]): string {
  const shown = names.filter((name) => name !== "");
  if (shown.length === 0) return "—";
  const list = shown
    .slice(0, SHOWN_COLUMNS_LIMIT)
    .map((name) => `"${name}"`)
    .join(", ");
  return shown.length > SHOWN_COLUMNS_LIMIT ? `${list}, …` : list;
}
