import type { Readable } from "node:stream";
import { resolveColumns } from "../../ingest/columns.js";
import type { DateOrder } from "../../ingest/dates.js";
import {
  DATE_ORDER_SAMPLE_SIZE,
  detectDateOrder,
  type NormalizedRow,
  normalizeLine,
} from "../../ingest/normalize.js";
import type { Problem } from "../../ingest/problems.js";
import { readTabularRows, type TabularRow } from "../../ingest/read-rows.js";

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
  /** An explicit column mapping from the upload's form. */
  mapping?: Record<string, string>;
}

/**
 * Every data row of a file, normalized or with its problems (line numbers are the file's own), in one read of
 * the file. How its slash dates read is told by its first date values (up to DATE_ORDER_SAMPLE_SIZE): the rows
 * they are in wait until the order is known; `onDateOrder` hears it before the first row is yielded.
 */
export async function* readFileRows(
  input: Readable,
  options: ReadOptions,
  onDateOrder: (order: DateOrder) => void,
): AsyncGenerator<FileRowResult> {
  const rows = readTabularRows(input, options.format, { delimiter: options.delimiter });
  const header = await rows.next();
  if (header.done) throw new UnreadableFileError([]);
  const resolved = resolveColumns(header.value.values, options.mapping);
  if (!resolved.ok) throw new UnreadableFileError(resolved.problems);
  const mapping = resolved.mapping;
  const dateColumn = mapping.order_date ?? mapping.exposed_at;

  const waiting: TabularRow[] = [];
  const samples: string[] = [];
  let dateOrder: DateOrder | undefined;
  const normalized = (row: TabularRow): FileRowResult => {
    const result = normalizeLine(mapping, row, { dateOrder: dateOrder ?? "YMD" });
    return result.ok ? { line: row.line, row: result.row } : { line: row.line, problems: result.problems };
  };
  for await (const row of rows) {
    if (dateOrder !== undefined) {
      yield normalized(row);
      continue;
    }
    waiting.push(row);
    const value = dateColumn === undefined ? undefined : row.values[dateColumn];
    if (value) samples.push(value);
    if (samples.length < DATE_ORDER_SAMPLE_SIZE) continue;
    dateOrder = detectDateOrder(samples);
    onDateOrder(dateOrder);
    for (const early of waiting.splice(0)) yield normalized(early);
  }
  if (dateOrder === undefined) {
    dateOrder = detectDateOrder(samples);
    onDateOrder(dateOrder);
    for (const early of waiting) yield normalized(early);
  }
}
