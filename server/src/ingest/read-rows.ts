import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import ExcelJS from "exceljs";
import type { MessageKey, MessageParams } from "../i18n/index.js";
import { CsvScanner, CsvSyntaxError } from "./csv.js";

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
    // Peek at the first line to choose the delimiter, then read everything from the start.
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
    const scanner = new CsvScanner(
      delimiter ?? detectDelimiter(Buffer.concat(head).toString("utf8")),
      MAX_RECORD_BYTES,
    );
    // A multi-byte character split between chunks is decoded whole.
    const decoder = new StringDecoder("utf8");
    let first = true;
    const records = (bytes: Buffer) => {
      let text = decoder.write(bytes);
      if (first && text !== "") {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      return scanner.push(text);
    };
    try {
      for (const chunk of head) yield* records(chunk);
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield* records(next.value);
      const rest = decoder.end();
      if (rest !== "") yield* scanner.push(rest);
      yield* scanner.end();
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw csvFormatError(error);
      throw error;
    }
  } finally {
    void chunks.return(undefined);
  }
}

function csvFormatError(error: CsvSyntaxError): IngestFormatError {
  const line = error.line;
  switch (error.problem) {
    case "quote_not_closed":
      return new IngestFormatError(
        "ingest.csv_quote_not_closed",
        { line },
        line,
        "a quoted field starts here and is never closed",
      );
    case "quote_misplaced":
      return new IngestFormatError(
        "ingest.csv_quote_misplaced",
        { line },
        line,
        "a double quote is inside an unquoted field, or text follows a closing quote",
      );
    case "record_too_large":
      return new IngestFormatError(
        "ingest.csv_record_too_large",
        { line, limit: MAX_RECORD_BYTES },
        line,
        `the record is over ${MAX_RECORD_BYTES} bytes`,
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
