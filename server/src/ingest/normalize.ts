import type { MessageKey, MessageParams } from "../i18n/index.js";
import { applyMapping, type ColumnMapping } from "./columns.js";
import { type DateOrder, parseDate } from "./dates.js";
import { type CanonicalField, cellText, isCanonicalField } from "./fields.js";
import { normalizeId } from "./ids.js";
import { parseNumber } from "./numbers.js";
import { type Problem, type RowPosition, shownValue } from "./problems.js";

export { DATE_ORDER_SAMPLE_SIZE, type DateOrder, detectDateOrder } from "./dates.js";

/** A field's value as a reader or an API record hands it over. */
export type RawValue = string | number | Date | null | undefined;
/** An extra feature: text from files; from JSON records also numbers and booleans, kept as they are. */
export type ExtraValue = string | number | boolean;

export interface Purchase {
  kind: "purchase";
  customerKey: string;
  orderDate: Date;
  /** Negative for a return or refund. */
  amount: number;
  orderId: string | null;
  quantity: number | null;
  /** ISO 4217, uppercase; null means the project's currency. */
  currency: string | null;
  status: string | null;
  extra: Record<string, ExtraValue>;
}

export interface CampaignExposure {
  kind: "campaign_exposure";
  customerKey: string;
  campaignId: string;
  group: "treatment" | "control";
  exposedAt: Date;
  extra: Record<string, ExtraValue>;
}

export type NormalizedRow = Purchase | CampaignExposure;
export type RowResult = { ok: true; row: NormalizedRow } | { ok: false; problems: Problem[] };
export interface NormalizeOptions {
  dateOrder: DateOrder;
}

const KINDS = ["purchase", "campaign_exposure"] as const;
const GROUPS = ["treatment", "control"] as const;
/** Statuses that mark a return. The row keeps its status as written; the Engine decides what it means. */
export const RETURN_STATUSES: readonly string[] = ["returned", "refunded", "return", "refund"];
const CURRENCY = /^[A-Za-z]{3}$/;
const AMOUNT_PRECISION = 1e6;

export function isReturnStatus(status: string | null): boolean {
  return status !== null && RETURN_STATUSES.includes(status.toLowerCase());
}

/**
 * Validates and normalizes one row, collecting every problem it has. Text is trimmed and an empty value is
 * absent. A row is a purchase unless `type` says campaign_exposure. A purchase needs customer_id, order_date and
 * amount, or quantity and unit_price (amount = quantity × unit_price, rounded to 1e-6); an exposure needs
 * customer_id, campaign_id, group (treatment | control, any case) and exposed_at. Ids drop a zero fraction
 * ("17850.0" is "17850", ids.ts). Dates are read by parseDate,
 * numbers by parseNumber. Extra features keep their non-empty values: text stays text even when it looks like
 * a number (the Engine decides), numbers and booleans from JSON stay as they are.
 */
export function normalizeRow(
  values: Readonly<Partial<Record<CanonicalField, RawValue>>>,
  extra: Readonly<Record<string, ExtraValue | null | undefined>>,
  position: RowPosition,
  options: NormalizeOptions,
): RowResult {
  const row = new RowReader(values, position, options.dateOrder);
  const type = row.text("type")?.toLowerCase() ?? "purchase";
  const kind = KINDS.find((k) => k === type);
  const customerKey = row.id("customer_id", { required: kind ?? "purchase", maxLength: 200 });
  if (kind === undefined) row.notAllowed("type", type, KINDS);
  const features = extraFeatures(extra);

  if (kind === "campaign_exposure") {
    const campaignId = row.id("campaign_id", { required: kind, maxLength: 200 });
    const group = row.choice("group", GROUPS, kind);
    const exposedAt = row.date("exposed_at", kind);
    if (row.problems.length > 0 || customerKey === null || campaignId === null || !group || !exposedAt) {
      return { ok: false, problems: row.problems };
    }
    return { ok: true, row: { kind, customerKey, campaignId, group, exposedAt, extra: features } };
  }

  const orderDate = kind ? row.date("order_date", kind) : null;
  const quantity = row.number("quantity");
  const amount = kind ? row.amount(quantity) : null;
  const orderId = row.id("order_id", { maxLength: 200 });
  const currency = row.currency();
  const status = row.text("status", { maxLength: 50 });
  if (row.problems.length > 0 || !kind || customerKey === null || !orderDate || amount === null) {
    return { ok: false, problems: row.problems };
  }
  return {
    ok: true,
    row: { kind, customerKey, orderDate, amount, orderId, quantity, currency, status, extra: features },
  };
}

/**
 * One record of an API batch, normalized as the same values in a file's row would be: keys are trimmed (blank
 * keys ignored), our fields' booleans, objects and arrays become their cell text, extra objects and arrays
 * become JSON text. The one difference: extra numbers and booleans stay typed here.
 */
export function normalizeRecord(
  record: Readonly<Record<string, unknown>>,
  index: number,
  options: NormalizeOptions,
): RowResult {
  const values: Partial<Record<CanonicalField, RawValue>> = {};
  const extra: [string, ExtraValue][] = [];
  for (const [rawKey, value] of Object.entries(record)) {
    const key = rawKey.trim();
    if (key === "" || value === null || value === undefined) continue;
    const scalar = typeof value === "string" || typeof value === "number";
    if (isCanonicalField(key)) values[key] = scalar ? value : cellText(value);
    else extra.push([key, scalar || typeof value === "boolean" ? value : cellText(value)]);
  }
  return normalizeRow(values, Object.fromEntries(extra), { index }, options);
}

/** One line of a file as readTabularRows yields it, checked against the header's width and normalized. */
export function normalizeLine(
  mapping: ColumnMapping,
  row: { line: number; values: readonly string[] },
  options: NormalizeOptions,
): RowResult {
  if (row.values.length !== mapping.columnCount) {
    return {
      ok: false,
      problems: [
        {
          line: row.line,
          field: "columns",
          rule: "column_count",
          messageKey: "ingest.column_count",
          params: { found: row.values.length, expected: mapping.columnCount },
        },
      ],
    };
  }
  const { values, extra } = applyMapping(mapping, row.values);
  return normalizeRow(values, extra, { line: row.line }, options);
}

function extraFeatures(
  extra: Readonly<Record<string, ExtraValue | null | undefined>>,
): Record<string, ExtraValue> {
  const kept: [string, ExtraValue][] = [];
  for (const [key, value] of Object.entries(extra)) {
    if (typeof value === "string") {
      const text = value.trim();
      if (text !== "") kept.push([key, text]);
    } else if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) {
      kept.push([key, value]);
    }
  }
  // fromEntries defines own properties, so a column named __proto__ stays an ordinary key.
  return Object.fromEntries(kept);
}

/** Reads one row's fields, collecting a problem for every value that breaks a rule. */
class RowReader {
  readonly problems: Problem[] = [];

  constructor(
    private readonly values: Readonly<Partial<Record<CanonicalField, RawValue>>>,
    private readonly position: RowPosition,
    private readonly dateOrder: DateOrder,
  ) {}

  /** Trimmed text, or null when absent; `required` names the kind of record that needs it. */
  text(field: CanonicalField, rules: { required?: string; maxLength?: number } = {}): string | null {
    const raw = this.values[field];
    const text =
      raw === null || raw === undefined ? "" : raw instanceof Date ? raw.toISOString() : String(raw).trim();
    if (text === "") {
      if (rules.required) this.requireValue(field, rules.required);
      return null;
    }
    if (rules.maxLength !== undefined && text.length > rules.maxLength) {
      this.report(field, "maxLength", "rule.maxLength", { limit: rules.maxLength });
      return null;
    }
    return text;
  }

  /** An id's text, with a zero fraction dropped ("17850.0" is "17850", see ids.ts). */
  id(field: CanonicalField, rules: { required?: string; maxLength?: number } = {}): string | null {
    const text = this.text(field, rules);
    return text === null ? null : normalizeId(text);
  }

  number(field: CanonicalField): number | null {
    const raw = this.values[field];
    if (!this.present(field) || raw === null || raw === undefined) return null;
    const value = raw instanceof Date ? undefined : parseNumber(raw);
    if (value === undefined) {
      this.report(field, "type", "ingest.number_invalid", { value: shownValue(raw) });
      return null;
    }
    return value;
  }

  date(field: CanonicalField, requiredBy: string): Date | null {
    const raw = this.values[field];
    if (!this.present(field) || raw === null || raw === undefined) {
      this.requireValue(field, requiredBy);
      return null;
    }
    const result = parseDate(raw, this.dateOrder);
    if (result.ok) return result.date;
    const value = shownValue(raw);
    if (result.reason === "year_range") {
      this.report(field, "format", "ingest.date_out_of_range", { value, year: result.year });
    } else {
      const key = result.reason === "impossible" ? "ingest.date_impossible" : "ingest.date_invalid";
      this.report(field, "format", key, { value });
    }
    return null;
  }

  /** amount, or quantity × unit_price when amount is absent (unit_price is read only then). */
  amount(quantity: number | null): number | null {
    const amount = this.number("amount");
    if (this.present("amount")) return amount;
    const unitPrice = this.number("unit_price");
    if (quantity !== null && unitPrice !== null) {
      return Math.round(quantity * unitPrice * AMOUNT_PRECISION) / AMOUNT_PRECISION;
    }
    if (!this.present("quantity") || !this.present("unit_price")) {
      this.report("amount", "required", "ingest.amount_required");
    }
    return null;
  }

  currency(): string | null {
    const text = this.text("currency");
    if (text === null) return null;
    if (!CURRENCY.test(text)) {
      this.report("currency", "pattern", "ingest.currency_invalid", { value: shownValue(text) });
      return null;
    }
    return text.toUpperCase();
  }

  choice<T extends string>(field: CanonicalField, allowed: readonly T[], requiredBy: string): T | null {
    const text = this.text(field, { required: requiredBy });
    if (text === null) return null;
    const choice = allowed.find((option) => option === text.toLowerCase());
    if (choice === undefined) this.notAllowed(field, text, allowed);
    return choice ?? null;
  }

  notAllowed(field: CanonicalField, value: string, allowed: readonly string[]): void {
    this.report(field, "enum", "ingest.value_not_allowed", {
      value: shownValue(value),
      values: allowed.join(", "),
    });
  }

  private present(field: CanonicalField): boolean {
    const raw = this.values[field];
    return raw !== null && raw !== undefined && (typeof raw !== "string" || raw.trim() !== "");
  }

  private requireValue(field: CanonicalField, kind: string): void {
    this.report(field, "required", "ingest.value_required", { kind });
  }

  private report(
    field: CanonicalField,
    rule: string,
    messageKey: MessageKey,
    params: MessageParams = {},
  ): void {
    this.problems.push({ ...this.position, field, rule, messageKey, params: { field, ...params } });
  }
}
