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

export interface ExtraFieldEncoder {
  columns: string[];
  fields: EncodedField[];
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

type ColumnEncoder = (extra: ExtraFields) => number[];

/** Learns the encoding of every extra field from the training rows (see the module comment for the rules). */
export function fitExtraFieldEncoder(
  rows: readonly ExtraFields[],
  options: EncoderOptions = {},
): ExtraFieldEncoder {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  const fields: EncodedField[] = [];
  const encoders: ColumnEncoder[] = [];
  for (const field of [...names].sort()) {
    const { info, encode } = fitField(field, rows, options);
    fields.push(info);
    if (encode) encoders.push(encode);
  }
  return {
    columns: fields.flatMap((f) => f.columns),
    fields,
    encode: (extra) => encoders.flatMap((encode) => encode(extra)),
  };
}

function fitField(
  field: string,
  rows: readonly ExtraFields[],
  options: EncoderOptions,
): { info: EncodedField; encode: ColumnEncoder | null } {
  const values = rows.map((row) => (Object.hasOwn(row, field) ? row[field] : undefined));
  const present = values.filter((v) => levelOf(v) !== MISSING);
  const dropped = (note: string) => ({
    info: { field, kind: "dropped" as const, columns: [], note },
    encode: null,
  });
  const distinct = new Set(present.map(levelOf));
  if (distinct.size <= 1) return dropped("a single value: nothing to learn from");

  if (present.every((v) => asBoolean(v) !== undefined))
    return numericField(field, "boolean", values, (v) => {
      const b = asBoolean(v);
      return b === undefined ? undefined : Number(b);
    });
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
  const index = new Map(kept.map((level, i) => [level, i]));
  const reference = frequent[0]!;
  return {
    info: {
      field,
      kind: "categorical",
      columns,
      note: `reference level "${reference}"${pooled > 0 ? `; ${pooled} rare levels pooled as ${OTHER}` : ""}`,
    },
    encode: (extra) => {
      const out = new Array<number>(columns.length).fill(0);
      const level = levelOf(Object.hasOwn(extra, field) ? extra[field] : undefined);
      if (level === reference) return out;
      const at = index.get(level);
      if (at !== undefined) out[at] = 1;
      else if (pooled > 0) out[columns.length - 1] = 1;
      return out;
    },
  };
}

function numericField(
  field: string,
  kind: "numeric" | "boolean",
  values: (ExtraValue | undefined)[],
  read: (value: ExtraValue | undefined) => number | undefined,
): { info: EncodedField; encode: ColumnEncoder } {
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
    encode: (extra) => {
      const number = read(Object.hasOwn(extra, field) ? extra[field] : undefined);
      return missing ? [number ?? mean, number === undefined ? 1 : 0] : [number ?? mean];
    },
  };
}
