import { DomainError, type PendingDetail } from "../errors.js";

/**
 * The customer filter language: a JSON array of conditions ANDed together, with `{ any: [...] }` (OR) and
 * `{ all: [...] }` (AND) groups for nesting. Every field and operator is checked against the lists below
 * before anything reaches SQL; column names come only from FILTER_FIELDS and every value is a bound
 * parameter, so no text from a request is ever spliced into a query. (The tests check the SQL against the
 * same semantics written in memory: test/helpers/filter-oracle.ts.)
 *
 * Missing values (a null field, an absent extra feature, an extra feature that is not a number for a numeric
 * comparison) fail every comparison except `neq` and `nin`, which hold, and `exists: false`.
 */
type ColumnType = "number" | "text" | "date";
export type FieldType = ColumnType | "extra";

/** Every customer field that can be filtered on, and the column it reads (look names up with Object.hasOwn). */
export const FILTER_FIELDS: Readonly<Record<string, { type: ColumnType; column: string }>> = {
  id: { type: "text", column: "id" },
  customer_id: { type: "text", column: "customer_key" },
  customer_id_hash: { type: "text", column: "customer_id_hash" },
  segment_id: { type: "text", column: "segment_id" },
  segment_label: { type: "text", column: "segment_label" },
  churn_risk: { type: "text", column: "churn_risk" },
  abc_category: { type: "text", column: "abc_category" },
  rfm_segment: { type: "text", column: "rfm_segment" },
  churn_score: { type: "number", column: "churn_score" },
  rfm_recency_days: { type: "number", column: "rfm_recency_days" },
  rfm_frequency: { type: "number", column: "rfm_frequency" },
  rfm_monetary: { type: "number", column: "rfm_monetary" },
  rfm_r_score: { type: "number", column: "rfm_r_score" },
  rfm_f_score: { type: "number", column: "rfm_f_score" },
  rfm_m_score: { type: "number", column: "rfm_m_score" },
  return_rate: { type: "number", column: "return_rate" },
  uplift_score: { type: "number", column: "uplift_score" },
  predicted_clv: { type: "number", column: "predicted_clv" },
  first_transaction_at: { type: "date", column: "first_transaction_at" },
  last_transaction_at: { type: "date", column: "last_transaction_at" },
};

const ORDERED = ["gt", "gte", "lt", "lte", "range"];
const OPS: Record<FieldType, string[]> = {
  number: ["eq", "neq", "in", "nin", "exists", ...ORDERED],
  date: ["eq", "neq", "in", "nin", "exists", ...ORDERED],
  text: ["eq", "neq", "in", "nin", "exists", "contains"],
  extra: ["eq", "neq", "in", "nin", "exists", "contains", ...ORDERED],
};
const EXTRA_KEY = /^[A-Za-z0-9_][A-Za-z0-9_ .:-]{0,99}$/;
/** A number as text: an extra feature compares as a number only when its text is one. */
export const NUMBER_TEXT = /^\s*-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$/;
/** The same pattern inside SQL, its "?" escaped so knex does not read them as placeholders. */
const SQL_NUMBER_TEXT = NUMBER_TEXT.source.replace(/\?/g, "\\?");
const MAX_DEPTH = 5;
const MAX_CONDITIONS = 100;

export type Value = number | string;
/** A checked condition: the field's type and column (or extra key), the operator and its typed operands. */
export type Filter =
  | { kind: "group"; mode: "any" | "all"; children: Filter[] }
  | {
      kind: "condition";
      field: string;
      type: FieldType;
      column: string;
      extraKey?: string;
      op: string;
      values: Value[];
      min?: Value;
      max?: Value;
      exists?: boolean;
      /** For extra features: compare as numbers (ordering ops, or a numeric operand). */
      numeric: boolean;
    };

/**
 * Checks a filter document; throws a 400 naming every broken condition (its path and why) when anything is
 * off. `prefix` names where the document came from: the `filters` query parameter or a segment's `rules`.
 */
export function parseFilters(
  document: unknown,
  source: "query" | "body" = "query",
  prefix = "filters",
): Filter[] {
  const details: PendingDetail[] = [];
  const problem = (path: string, rule: string, reason: string) =>
    details.push({
      location: source,
      field: `${prefix}${path}`,
      rule,
      messageKey: "filter_invalid",
      params: { path: `${prefix}${path}`, reason },
    });
  let conditions = 0;

  const walk = (node: unknown, path: string, depth: number): Filter | undefined => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) {
      problem(path, "type", "each entry must be a condition object or an { any } / { all } group");
      return undefined;
    }
    const record = node as Record<string, unknown>;
    const mode = "any" in record ? "any" : "all" in record ? "all" : undefined;
    if (mode) {
      const children = record[mode];
      if (Object.keys(record).length !== 1 || !Array.isArray(children) || children.length === 0) {
        problem(path, "group", `a group is exactly { "${mode}": [ at least one condition ] }`);
        return undefined;
      }
      if (depth >= MAX_DEPTH) {
        problem(path, "depth", `groups nest at most ${MAX_DEPTH} levels deep`);
        return undefined;
      }
      const resolved = children.map((child, i) => walk(child, `${path}.${mode}[${i}]`, depth + 1));
      return resolved.every((r) => r !== undefined)
        ? { kind: "group", mode, children: resolved as Filter[] }
        : undefined;
    }
    conditions += 1;
    return condition(record, path, problem);
  };

  let filters: (Filter | undefined)[] = [];
  if (Array.isArray(document)) filters = document.map((node, i) => walk(node, `[${i}]`, 0));
  else
    problem(
      "",
      "type",
      'must be a JSON array of conditions, e.g. [{"field":"churn_risk","op":"eq","value":"high"}]',
    );
  if (conditions > MAX_CONDITIONS) problem("", "maxItems", `at most ${MAX_CONDITIONS} conditions in all`);
  if (details.length > 0) {
    throw new DomainError("invalid", "validation_failed", "filter_invalid", details[0]!.params, {
      details: details.slice(0, 20),
      errorCount: details.length,
    });
  }
  return filters as Filter[];
}

function condition(
  record: Record<string, unknown>,
  path: string,
  problem: (path: string, rule: string, reason: string) => void,
): Filter | undefined {
  const unknownKeys = Object.keys(record).filter(
    (k) => !["field", "op", "value", "values", "min", "max"].includes(k),
  );
  if (unknownKeys.length > 0) {
    problem(
      path,
      "additionalProperties",
      `unknown key ${unknownKeys.join(", ")}; a condition has field, op and value, values or min/max`,
    );
    return undefined;
  }
  const { field, op } = record;
  if (typeof field !== "string") {
    problem(path, "required", "field must name a customer field or extra_features.<key>");
    return undefined;
  }
  let type: FieldType;
  let column = "extra_features";
  let extraKey: string | undefined;
  if (field.startsWith("extra_features.")) {
    extraKey = field.slice("extra_features.".length);
    if (!EXTRA_KEY.test(extraKey)) {
      problem(
        path,
        "field",
        `"${extraKey}" is not an extra feature name (letters, digits, spaces and _ . : -, up to 100)`,
      );
      return undefined;
    }
    type = "extra";
  } else {
    // Own properties only: "constructor" or "__proto__" must not resolve to Object's built-ins.
    const known = Object.hasOwn(FILTER_FIELDS, field) ? FILTER_FIELDS[field] : undefined;
    if (!known) {
      problem(
        path,
        "field",
        `unknown field "${field}"; use ${Object.keys(FILTER_FIELDS).join(", ")} or extra_features.<key>`,
      );
      return undefined;
    }
    ({ type, column } = known);
  }
  if (typeof op !== "string" || !OPS[type].includes(op)) {
    problem(path, "op", `op "${String(op)}" does not apply to ${field}; use one of ${OPS[type].join(", ")}`);
    return undefined;
  }
  const operands =
    op === "in" || op === "nin"
      ? record.values
      : op === "range"
        ? [record.min, record.max].filter((v) => v !== undefined)
        : [record.value];
  const numeric =
    type === "number" ||
    (type === "extra" &&
      (ORDERED.includes(op) || (Array.isArray(operands) && operands.some((v) => typeof v === "number"))));
  const base = { kind: "condition" as const, field, type, column, extraKey, op, numeric };

  if (op === "exists") {
    const flag = record.value ?? true;
    if (typeof flag !== "boolean") {
      problem(path, "type", "exists takes value true or false (default true)");
      return undefined;
    }
    return { ...base, values: [], exists: flag };
  }
  const typed = (value: unknown, what: string): Value | undefined => {
    if (type === "date") {
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
      problem(path, "format", `${what} must be an ISO 8601 date or date-time for ${field}`);
      return undefined;
    }
    if (numeric && typeof value === "number" && Number.isFinite(value)) return value;
    if (numeric && (type === "number" || ORDERED.includes(op))) {
      problem(path, "type", `${what} must be a number for ${op} on ${field}`);
      return undefined;
    }
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      return String(value);
    problem(path, "type", `${what} must be a string, number or boolean`);
    return undefined;
  };
  if (op === "in" || op === "nin") {
    if (!Array.isArray(record.values) || record.values.length === 0) {
      problem(path, "required", `${op} needs values: a non-empty array`);
      return undefined;
    }
    const values = record.values.map((v, i) => typed(v, `values[${i}]`));
    return values.every((v) => v !== undefined) ? { ...base, values: values as Value[] } : undefined;
  }
  if (op === "range") {
    if (record.min === undefined && record.max === undefined) {
      problem(path, "required", "range needs min, max or both (inclusive)");
      return undefined;
    }
    const min = record.min === undefined ? undefined : typed(record.min, "min");
    const max = record.max === undefined ? undefined : typed(record.max, "max");
    if ((record.min !== undefined && min === undefined) || (record.max !== undefined && max === undefined))
      return undefined;
    return { ...base, values: [], min, max };
  }
  if (record.value === undefined) {
    problem(path, "required", `${op} needs a value`);
    return undefined;
  }
  const value = typed(record.value, "value");
  return value === undefined ? undefined : { ...base, values: [value] };
}

/** The filters as one SQL condition on the customers table, with its bindings. Column names are from FILTER_FIELDS. */
export function filtersToSql(filters: Filter[]): { sql: string; bindings: unknown[] } {
  const bindings: unknown[] = [];
  const node = (filter: Filter): string => {
    if (filter.kind === "group")
      return `(${filter.children.map(node).join(filter.mode === "any" ? " OR " : " AND ")})`;
    const bind = (value: unknown) => {
      bindings.push(value);
      return "?";
    };
    const typedBind = (value: Value) =>
      filter.type === "date"
        ? `${bind(value)}::timestamptz`
        : filter.numeric
          ? `${bind(value)}::numeric`
          : `${bind(value)}::text`;
    let expr: string;
    if (filter.type === "extra") {
      const key = bind(filter.extraKey);
      if (filter.op === "exists")
        return filter.exists ? `(extra_features \\? ${key})` : `(NOT (extra_features \\? ${key}))`;
      expr = filter.numeric
        ? `(CASE WHEN (extra_features ->> ${key}) ~ '${SQL_NUMBER_TEXT}' THEN (extra_features ->> ${bind(filter.extraKey)})::numeric END)`
        : `(extra_features ->> ${key})`;
    } else {
      expr = filter.type === "text" ? `("${filter.column}")::text` : `"${filter.column}"`;
      if (filter.op === "exists") return `("${filter.column}" IS ${filter.exists ? "NOT " : ""}NULL)`;
    }
    switch (filter.op) {
      case "contains":
        return `(${expr} ILIKE ${bind(`%${String(filter.values[0]).replace(/[\\%_]/g, (c) => `\\${c}`)}%`)})`;
      case "eq":
        return `(${expr} = ${typedBind(filter.values[0]!)})`;
      case "neq":
        return `(${expr} IS DISTINCT FROM ${typedBind(filter.values[0]!)})`;
      case "in":
        return `(${expr} IN (${filter.values.map(typedBind).join(", ")}))`;
      case "nin":
        return `(${expr} IS NULL OR ${expr} NOT IN (${filter.values.map(typedBind).join(", ")}))`;
      case "range": {
        const parts = [];
        if (filter.min !== undefined) parts.push(`${expr} >= ${typedBind(filter.min)}`);
        if (filter.max !== undefined) parts.push(`${expr} <= ${typedBind(filter.max)}`);
        return `(${parts.join(" AND ")})`;
      }
      default: {
        const symbol = { gt: ">", gte: ">=", lt: "<", lte: "<=" }[filter.op as "gt"];
        return `(${expr} ${symbol} ${typedBind(filter.values[0]!)})`;
      }
    }
  };
  const sql = filters.length === 0 ? "TRUE" : filters.map(node).join(" AND ");
  return { sql, bindings };
}
