import { pipeline, Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import ExcelJS from "exceljs";
import type { MessageKey, MessageParams } from "../i18n/index.js";

export type TabularFormat = "csv" | "xlsx";

/** One row of a file: its values as text, and the line (CSV) or sheet row (XLSX) it starts on. */
export interface TabularRow {
  line: number;
  values: string[];
}

/** The file cannot be read as CSV or XLSX at all: a malformed quote, a broken workbook, no rows. */
export class IngestFormatError extends Error {
  constructor(
    readonly messageKey: MessageKey,
    readonly params: MessageParams,
    /** Where the broken record starts; undefined when the problem is not on one line. */
    readonly line: number | undefined,
    /** What is wrong, in English, for logs and the file's error_message. */
    readonly reason: string,
  ) {
    super(line === undefined ? reason : `line ${line}: ${reason}`);
    this.name = "IngestFormatError";
  }
}

export const CSV_DELIMITERS = [",", ";", "\t", "|"] as const;
/** A single CSV record may not exceed this: an unclosed quote would otherwise swallow the rest of the file. */
export const MAX_RECORD_BYTES = 1_048_576;
const HEAD_BYTES = 65_536;
const CHUNK_BYTES = 65_536;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Streams the rows of a CSV or XLSX file; the first row yielded is the header. Rows whose values are all blank
 * are skipped. Values are text exactly as in the file; rows are not checked against the header's width (an XLSX
 * row is padded to it), which is the caller's call. Throws IngestFormatError for a file it cannot read, and the
 * input's own error when the input fails.
 *
 * CSV: UTF-8 with or without a BOM; RFC 4180 quoting (quoted delimiters and line breaks, "" for a quote),
 * strictly: a quote inside an unquoted field or text after a closing quote is an error. The delimiter is the
 * most frequent of `,` `;` tab `|` in the first line (outside quotes; `,` when none) unless given.
 * XLSX: the first worksheet; numbers as String(n), dates as ISO 8601 (UTC), rich text joined, formulas as their
 * cached result, error cells as their code (`#N/A`), empty cells as "".
 */
export async function* readTabularRows(
  input: NodeJS.ReadableStream | Readable,
  format: TabularFormat,
  options: { delimiter?: string } = {},
): AsyncGenerator<TabularRow> {
  let rows = 0;
  const source = format === "csv" ? readCsv(input, options.delimiter) : readXlsx(input);
  for await (const row of source) {
    rows += 1;
    yield row;
  }
  if (rows === 0) throw new IngestFormatError("ingest.file_empty", {}, undefined, "the file has no rows");
}

/**
 * The file's format from its name and first bytes, or undefined when it is neither (415): an XLSX is a ZIP
 * (`PK\x03\x04`) unless its name says it is another ZIP-based format; a CSV is text (no NUL or other control
 * bytes, no known binary signature such as PDF or legacy .xls). An empty file goes by its extension.
 */
export function detectFormat(fileName: string, firstBytes: Buffer): TabularFormat | undefined {
  const extension = /\.([^./\\]+)$/.exec(fileName.trim().toLowerCase())?.[1] ?? "";
  if (startsWith(firstBytes, [0x50, 0x4b, 0x03, 0x04]))
    return OTHER_ZIP_FORMATS.has(extension) ? undefined : "xlsx";
  if (firstBytes.length === 0) {
    if (extension === "xlsx") return "xlsx";
    return TEXT_EXTENSIONS.has(extension) ? "csv" : undefined;
  }
  if (extension === "xlsx" || looksBinary(firstBytes)) return undefined;
  return "csv";
}

/** The most frequent candidate delimiter in the first line of `text`, counted outside quotes; `,` when none. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(CSV_DELIMITERS.map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted) {
      const count = counts.get(char);
      if (count !== undefined) counts.set(char, count + 1);
    }
  }
  let best = ",";
  let bestCount = 0;
  for (const [delimiter, count] of counts) {
    if (count > bestCount) [best, bestCount] = [delimiter, count];
  }
  return best;
}

const TEXT_EXTENSIONS = new Set(["csv", "txt", "tsv"]);
const OTHER_ZIP_FORMATS = new Set(["docx", "pptx", "odt", "ods", "odp", "zip"]);
const BINARY_SIGNATURES = [
  [0x25, 0x50, 0x44, 0x46], // %PDF
  [0xd0, 0xcf, 0x11, 0xe0], // OLE2: legacy .xls and .doc
  [0x1f, 0x8b], // gzip
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
];

function looksBinary(bytes: Buffer): boolean {
  if (BINARY_SIGNATURES.some((signature) => startsWith(bytes, signature))) return true;
  // Text has no control bytes other than tab, line breaks, form feed and escape.
  return bytes.some(
    (byte) => byte < 0x20 && byte !== 0x09 && byte !== LF && byte !== 0x0c && byte !== CR && byte !== 0x1b,
  );
}

const startsWith = (bytes: Buffer, signature: number[]) => signature.every((byte, i) => bytes[i] === byte);

async function* readCsv(
  input: AsyncIterable<unknown>,
  delimiter: string | undefined,
): AsyncGenerator<TabularRow> {
  if (delimiter !== undefined && (delimiter.length !== 1 || '"\r\n'.includes(delimiter))) {
    throw new IngestFormatError(
      "ingest.csv_delimiter_invalid",
      { delimiter: JSON.stringify(delimiter) },
      undefined,
      `${JSON.stringify(delimiter)} cannot be a CSV delimiter`,
    );
  }
  const chunks = asBuffers(input);
  try {
    // Peek at the first line to choose the delimiter, then hand the parser everything from the start.
    const head: Buffer[] = [];
    let headBytes = 0;
    let lineBreakSeen = false;
    while (headBytes < HEAD_BYTES && !lineBreakSeen) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(next.value);
      headBytes += next.value.length;
      lineBreakSeen = next.value.includes(LF) || next.value.includes(CR);
    }
    const lines = new LineCounter();
    async function* everything() {
      for (const chunk of head) {
        lines.push(chunk);
        yield chunk;
      }
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        lines.push(next.value);
        yield next.value;
      }
    }
    // Lines are counted as csv-parse takes each record, so an error gets the line of the record it is in even
    // when records before it are still waiting in the stream's buffer.
    let recordEnd = 0;
    const starts: number[] = [];
    const parser = parse({
      bom: true,
      delimiter: delimiter ?? detectDelimiter(Buffer.concat(head).toString("utf8")),
      max_record_size: MAX_RECORD_BYTES,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (values, info) => {
        const line = lines.recordStart(recordEnd);
        recordEnd = info.bytes;
        if (values.every((value) => value.trim() === "")) return null;
        starts.push(line);
        return values;
      },
    });
    pipeline(Readable.from(everything()), parser, () => {});
    try {
      for await (const values of parser as AsyncIterable<string[]>) {
        yield { line: starts.shift()!, values };
      }
    } catch (error) {
      if (error instanceof CsvError) throw csvFormatError(error, lines.recordStart(recordEnd));
      throw error;
    }
  } finally {
    void chunks.return(undefined);
  }
}

function csvFormatError(error: CsvError, line: number): IngestFormatError {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return new IngestFormatError(
        "ingest.csv_quote_not_closed",
        { line },
        line,
        "a quoted field starts here and is never closed",
      );
    case "INVALID_OPENING_QUOTE":
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return new IngestFormatError(
        "ingest.csv_quote_misplaced",
        { line },
        line,
        "a double quote is inside an unquoted field, or text follows a closing quote",
      );
    case "CSV_MAX_RECORD_SIZE":
      return new IngestFormatError(
        "ingest.csv_record_too_large",
        { line, limit: MAX_RECORD_BYTES },
        line,
        `the record is over ${MAX_RECORD_BYTES} bytes`,
      );
    default:
      return new IngestFormatError(
        "ingest.csv_malformed",
        { line, reason: error.message },
        line,
        error.message,
      );
  }
}

/** The input as Buffers of at most CHUNK_BYTES, so the parser never runs far ahead of the reader. */
async function* asBuffers(input: AsyncIterable<unknown>): AsyncGenerator<Buffer, void, undefined> {
  for await (const chunk of input) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string | Uint8Array);
    for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
      yield bytes.subarray(start, start + CHUNK_BYTES);
    }
  }
}

/**
 * Counts line breaks (LF, CRLF or a lone CR) in the bytes fed to the parser, so that each record gets the line
 * it starts on even when quoted fields hold line breaks. Keeps only the bytes after the last record.
 */
class LineCounter {
  private pending: Buffer[] = [];
  private offset = 0;
  private line = 1;
  private afterCR = false;

  push(chunk: Buffer): void {
    this.pending.push(chunk);
  }

  /** The line of the record that follows the byte offset `end`: past `end`, then past any empty lines. */
  recordStart(end: number): number {
    this.consume(end - this.offset, false);
    this.consume(Number.POSITIVE_INFINITY, true);
    return this.line;
  }

  private consume(count: number, onlyLineBreaks: boolean): void {
    let left = count;
    while (left > 0) {
      const chunk = this.pending[0];
      if (chunk === undefined) return;
      const limit = Math.min(chunk.length, left);
      const used = onlyLineBreaks ? this.countLeadingBreaks(chunk, limit) : this.countBreaks(chunk, limit);
      this.offset += used;
      left -= used;
      if (used === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(used);
      if (used < limit) return;
    }
  }

  /** Counts the line breaks in chunk[0, limit): every CR, and every LF that does not end a CRLF. */
  private countBreaks(chunk: Buffer, limit: number): number {
    const part = chunk.subarray(0, limit);
    for (let i = part.indexOf(CR); i >= 0; i = part.indexOf(CR, i + 1)) this.line += 1;
    for (let i = part.indexOf(LF); i >= 0; i = part.indexOf(LF, i + 1)) {
      const previous = i === 0 ? (this.afterCR ? CR : undefined) : part[i - 1];
      if (previous !== CR) this.line += 1;
    }
    if (limit > 0) this.afterCR = chunk[limit - 1] === CR;
    return limit;
  }

  /** Consumes the line breaks at the start of chunk[0, limit), counting them; returns how many bytes. */
  private countLeadingBreaks(chunk: Buffer, limit: number): number {
    let i = 0;
    for (; i < limit; i++) {
      const byte = chunk[i];
      if (byte === CR) this.line += 1;
      else if (byte === LF && !this.afterCR) this.line += 1;
      else if (byte !== LF) break;
      this.afterCR = byte === CR;
    }
    return i;
  }
}

async function* readXlsx(input: NodeJS.ReadableStream | Readable): AsyncGenerator<TabularRow> {
  const stream = input instanceof Readable ? input : new Readable().wrap(input);
  // exceljs pipes the input into its unzipper, which never hears of an input error: watch for it ourselves.
  let inputError: unknown;
  const failed = new Promise<never>((_, reject) => {
    stream.once("error", (error) => {
      inputError = error;
      reject(error);
    });
  });
  failed.catch(() => {});
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  let sheets = 0;
  try {
    for await (const sheet of unlessFailed(workbook, failed)) {
      sheets += 1;
      if (sheets > 1) continue; // later worksheets are drained unread
      let width: number | undefined;
      for await (const row of unlessFailed(sheet, failed)) {
        const cells = Array.isArray(row.values) ? Array.from(row.values.slice(1), excelCellText) : [];
        if (cells.every((cell) => cell.trim() === "")) continue;
        width ??= lastFilled(cells) + 1;
        yield { line: row.number, values: fitToWidth(cells, width) };
      }
    }
  } catch (error) {
    if (error === inputError || error instanceof IngestFormatError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new IngestFormatError("ingest.xlsx_unreadable", { reason }, undefined, reason);
  } finally {
    // Read to the end, failed, or the caller stopped early: either way nothing more is wanted from the input.
    stream.destroy();
  }
}

/** Iterates `iterable`, but throws as soon as `failed` rejects. */
async function* unlessFailed<T>(iterable: AsyncIterable<T>, failed: Promise<never>): AsyncGenerator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  for (;;) {
    const next = await Promise.race([iterator.next(), failed]);
    if (next.done) return;
    yield next.value;
  }
}

/** Pads a row to the header's width; cells past it are kept only when something after them is filled. */
function fitToWidth(cells: string[], width: number): string[] {
  const kept = cells.slice(0, Math.max(width, lastFilled(cells) + 1));
  while (kept.length < width) kept.push("");
  return kept;
}

function lastFilled(cells: string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if (cells[i]?.trim() !== "") return i;
  return -1;
}

function excelCellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if ("richText" in value) return value.richText.map((run) => run.text).join("");
  if ("formula" in value || "sharedFormula" in value) return excelCellText(value.result);
  if ("error" in value) return value.error;
  return value.text;
}
