/**
 * Customers' extra fields (whatever was ingested beside our columns: channel, region, newbie flags, ...) as
 * model features. The encoder is learned on the training rows and applied unchanged to the rows scored later.
 *
 * Rules, per field (fields in name order):
 * - numeric: at least 95 % of the present values are numbers (or text that reads as one, e.g. "12.5"); the rest
 *   (a stray "n/a") count as missing. One column with the value; missing values get the mean of the present ones
 *   and, when any is missing, a 0/1 "<field> (missing)" column says so.
 * - boolean: every present value is true/false (or the text true/false/yes/no): one 0/1 column, missing as above.
 * - categorical: anything else (mixed fields below the 95 % line included: their numbers become level names).
 *   Levels seen at least max(20, 1 % of the rows) times are kept, at most the 20 most frequent (ties by name);
 *   the others, and levels first seen when scoring, are pooled into "<field>=(other)"; a missing value is the level
 *   "(missing)". One 0/1 column per kept level except the most frequent, which is the reference (all zeros).
 * - dropped, with the reason: a field with a single value (nothing to learn), a field that looks like an identifier
 *   (more than 50 % of its present values distinct and more distinct values than levels kept: high cardinality
 *   with no repeated level to learn from), and a categorical field whose levels are all pooled.
 */

export type ExtraValue = string | number | boolean;
export type ExtraFields = Readonly<Record<string, ExtraValue>>;

export interface EncodedField {
  field: string;
  kind: "numeric" | "boolean" | "categorical" | "dropped";
  /** The model columns the field became (none when dropped). */
  columns: string[];
  /** Why a field was dropped, or how many levels were pooled; null otherwise. */
  note: string | null;
}

/**
 * How one kept field becomes model columns, as plain data: a fitted model keeps these (they cross to a worker
 * thread and into a stored model), and `encodeExtraFields` applies them.
 */
export type FieldEncoding =
  | { field: string; kind: "numeric" | "boolean"; mean: number; missing: boolean }
  | { field: string; kind: "categorical"; reference: string; kept: string[]; pooled: boolean };

export interface ExtraFieldEncoder {
  columns: string[];
  fields: EncodedField[];
  encodings: FieldEncoding[];
  encode(extra: ExtraFields): number[];
}

export interface EncoderOptions {
  minLevelCount?: number;
  minLevelShare?: number;
  maxLevels?: number;
}

const NUMERIC_SHARE = 0.95;
const IDENTIFIER_SHARE = 0.5;
const MISSING = "(missing)";
const OTHER = "(other)";

/** A value as a number when it is one or reads as one; undefined otherwise. */
function asNumber(value: ExtraValue | undefined): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

const TRUE_TEXT = new Set(["true", "yes"]);
const FALSE_TEXT = new Set(["false", "no"]);

function asBoolean(value: ExtraValue | undefined): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  return TRUE_TEXT.has(text) ? true : FALSE_TEXT.has(text) ? false : undefined;
}

const levelOf = (value: ExtraValue | undefined) =>
  value === undefined || (typeof value === "string" && value.trim() === "") ? MISSING : String(value).trim();

/** Learns the encoding of every extra field from the training rows (see the module comment for the rules). */
export function fitExtraFieldEncoder(
  rows: readonly ExtraFields[],
  options: EncoderOptions = {},
): ExtraFieldEncoder {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  const fields: EncodedField[] = [];
  const encodings: FieldEncoding[] = [];
  for (const field of [...names].sort()) {
    const { info, encoding } = fitField(field, rows, options);
    fields.push(info);
    if (encoding) encodings.push(encoding);
  }
  return {
    columns: fields.flatMap((f) => f.columns),
    fields,
    encodings,
    encode: (extra) => encodeExtraFields(encodings, extra),
  };
}

/** A customer's extra fields as the model columns the encodings make (in the encoder's column order). */
export function encodeExtraFields(encodings: readonly FieldEncoding[], extra: ExtraFields): number[] {
  return encodings.flatMap((encoding) => {
    const value = Object.hasOwn(extra, encoding.field) ? extra[encoding.field] : undefined;
    if (encoding.kind === "categorical") {
      const { kept, pooled, reference } = encoding;
      const out = new Array<number>(kept.length + (pooled ? 1 : 0)).fill(0);
      const level = levelOf(value);
      if (level === reference) return out;
      const at = kept.indexOf(level);
      if (at >= 0) out[at] = 1;
      else if (pooled) out[out.length - 1] = 1;
      return out;
    }
    const number = encoding.kind === "boolean" ? booleanNumber(value) : asNumber(value);
    const filled = number ?? encoding.mean;
    return encoding.missing ? [filled, number === undefined ? 1 : 0] : [filled];
  });
}

function booleanNumber(value: ExtraValue | undefined): number | undefined {
  const b = asBoolean(value);
  return b === undefined ? undefined : Number(b);
}

function fitField(
  field: string,
  rows: readonly ExtraFields[],
  options: EncoderOptions,
): { info: EncodedField; encoding: FieldEncoding | null } {
  const values = rows.map((row) => (Object.hasOwn(row, field) ? row[field] : undefined));
  const present = values.filter((v) => levelOf(v) !== MISSING);
  const dropped = (note: string) => ({
    info: { field, kind: "dropped" as const, columns: [], note },
    encoding: null,
  });
  const distinct = new Set(present.map(levelOf));
  if (distinct.size <= 1) return dropped("a single value: nothing to learn from");

  if (present.every((v) => asBoolean(v) !== undefined))
    return numericField(field, "boolean", values, booleanNumber);
  const numbers = present.filter((v) => asNumber(v) !== undefined).length;
  if (numbers >= NUMERIC_SHARE * present.length) return numericField(field, "numeric", values, asNumber);

  const maxLevels = options.maxLevels ?? 20;
  if (distinct.size > IDENTIFIER_SHARE * present.length && distinct.size > maxLevels)
    return dropped(
      `looks like an identifier: ${distinct.size} distinct values among ${present.length} customers`,
    );
  const counts = new Map<string, number>();
  for (const value of values) counts.set(levelOf(value), (counts.get(levelOf(value)) ?? 0) + 1);
  const minCount = Math.max(options.minLevelCount ?? 20, (options.minLevelShare ?? 0.01) * rows.length);
  const frequent = [...counts]
    .filter(([, count]) => count >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxLevels)
    .map(([level]) => level);
  const pooled = counts.size - frequent.length;
  if (frequent.length === 0) return dropped(`every level is rarer than ${Math.ceil(minCount)} customers`);
  if (frequent.length === 1 && pooled === 0) return dropped("a single value: nothing to learn from");
  const kept = frequent.slice(1);
  const columns = [...kept.map((level) => `${field}=${level}`), ...(pooled > 0 ? [`${field}=${OTHER}`] : [])];
  const reference = frequent[0]!;
  return {
    info: {
      field,
      kind: "categorical",
      columns,
      note: `reference level "${reference}"${pooled > 0 ? `; ${pooled} rare levels pooled as ${OTHER}` : ""}`,
    },
    encoding: { field, kind: "categorical", reference, kept, pooled: pooled > 0 },
  };
}

function numericField(
  field: string,
  kind: "numeric" | "boolean",
  values: (ExtraValue | undefined)[],
  read: (value: ExtraValue | undefined) => number | undefined,
): { info: EncodedField; encoding: FieldEncoding } {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    const number = read(value);
    if (number !== undefined) {
      sum += number;
      count++;
    }
  }
  const mean = sum / count;
  const missing = count < values.length;
  return {
    info: {
      field,
      kind,
      columns: missing ? [field, `${field} (missing)`] : [field],
      note: missing ? `${values.length - count} missing values set to the mean` : null,
    },
    encoding: { field, kind, mean, missing },
  };
}
