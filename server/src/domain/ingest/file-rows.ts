import type { Readable } from "node:stream";
import { canonicalMapping, resolveColumns } from "../../ingest/columns.js";
import type { DateOrder } from "../../ingest/dates.js";
import { detectDateOrder, type NormalizedRow, normalizeLine } from "../../ingest/normalize.js";
import type { Problem } from "../../ingest/problems.js";
import { readTabularRows } from "../../ingest/read-rows.js";

export type FileRowResult =
  | { line: number; row: NormalizedRow; problems?: undefined }
  | { line: number; row?: undefined; problems: Problem[] };

/** A file whose columns cannot be read as transactions at all (no customer column, a bad mapping...). */
export class UnreadableFileError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`the file's columns cannot be mapped: ${problems.map((p) => `${p.field} (${p.rule})`).join(", ")}`);
    this.name = "UnreadableFileError";
  }
}

export interface ReadOptions {
  format: "csv" | "xlsx";
  delimiter?: string;
  /** An explicit column mapping (uploads), or "canonical" for the CSV we wrote from API records. */
  mapping?: Record<string, string> | "canonical";
  dateOrder?: DateOrder;
}

async function* rowsWithMapping(input: Readable, options: ReadOptions) {
  const rows = readTabularRows(input, options.format, { delimiter: options.delimiter });
  const header = await rows.next();
  if (header.done) throw new UnreadableFileError([]);
  const headers = header.value.values;
  const explicit = options.mapping === "canonical" ? canonicalMapping(headers) : options.mapping;
  const resolved = resolveColumns(headers, explicit);
  if (!resolved.ok) throw new UnreadableFileError(resolved.problems);
  for await (const row of rows) yield { mapping: resolved.mapping, row };
}

/** The first date values of a file, to tell month-first from day-first dates. */
export async function sampleDateOrder(input: Readable, options: ReadOptions): Promise<DateOrder> {
  const samples: string[] = [];
  for await (const { mapping, row } of rowsWithMapping(input, options)) {
    const column = mapping.order_date ?? mapping.exposed_at;
    const value = column === undefined ? undefined : row.values[column];
    if (value) samples.push(value);
    if (samples.length >= 1000) break;
  }
  input.destroy();
  return detectDateOrder(samples);
}

/** Every data row of a file, normalized or with its problems (line numbers are the file's own). */
export async function* readFileRows(input: Readable, options: ReadOptions): AsyncGenerator<FileRowResult> {
  for await (const { mapping, row } of rowsWithMapping(input, options)) {
    const result = normalizeLine(mapping, row, { dateOrder: options.dateOrder ?? "YMD" });
    yield result.ok ? { line: row.line, row: result.row } : { line: row.line, problems: result.problems };
  }
}
