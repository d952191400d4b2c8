/**
 * The first rows of a CSV or XLSX file, read in the browser before anything is sent, so the user can check the
 * column mapping. Only the start of the file is read: a CSV's first 64 kB, an XLSX worksheet until enough rows
 * have been inflated.
 */
export interface FilePreview {
  headers: string[];
  /** Up to PREVIEW_ROWS rows after the header. */
  rows: string[][];
  /** The CSV delimiter found, sent along so the server reads the file the same way. */
  delimiter?: string;
}

export const PREVIEW_ROWS = 5;

export class PreviewError extends Error {
  override name = "PreviewError";
}

export async function readPreview(file: File): Promise<FilePreview> {
  const bytes = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  // "PK\x03\x04": a zip container, which an .xlsx is.
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (isZip) return readXlsxPreview(file);
  if (/\.xlsx$/i.test(file.name)) throw new PreviewError("not_xlsx");
  return readCsvPreview(await file.slice(0, 64 * 1024).text());
}

const DELIMITERS = [",", ";", "\t", "|"];

export function readCsvPreview(text: string): FilePreview {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = DELIMITERS.map((d) => ({ d, n: parseCsv(firstLine, d, 1)[0]?.length ?? 0 })).reduce(
    (best, next) => (next.n > best.n ? next : best),
  ).d;
  const [headers = [], ...rows] = parseCsv(body, delimiter, PREVIEW_ROWS + 1);
  if (headers.every((h) => h.trim() === "")) throw new PreviewError("no_header");
  return { headers, rows, delimiter };
}

/** RFC 4180 records (quoted fields, doubled quotes, newlines inside quotes), at most `limit` of them. */
function parseCsv(text: string, delimiter: string, limit: number): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length && records.length < limit; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  // The last record, unless the text was cut inside it (a 64 kB slice of a longer file).
  if ((field !== "" || record.length > 0) && records.length < limit) records.push([...record, field]);
  return records;
}

interface ZipEntry {
  method: number;
  compressedSize: number;
  localOffset: number;
}

async function readXlsxPreview(file: File): Promise<FilePreview> {
  const zip = new Uint8Array(await file.arrayBuffer());
  const entries = centralDirectory(zip);
  const text = async (name: string, until?: (soFar: string) => boolean) => {
    const entry = entries.get(name);
    return entry ? inflate(zip, entry, until) : undefined;
  };
  const sheetPath = await firstSheetPath(text);
  const shared = parseSharedStrings((await text("xl/sharedStrings.xml")) ?? "");
  const enoughRows = (soFar: string) => (soFar.match(/<\/row>/g)?.length ?? 0) > PREVIEW_ROWS;
  const sheet = await text(sheetPath, enoughRows);
  if (sheet === undefined) throw new PreviewError("no_sheet");
  const [headers = [], ...rows] = parseSheetRows(sheet, shared, PREVIEW_ROWS + 1);
  if (headers.every((h) => h.trim() === "")) throw new PreviewError("no_header");
  return { headers, rows: rows.map((row) => headers.map((_, i) => row[i] ?? "")) };
}

/** The workbook's first sheet, through its relationship (usually xl/worksheets/sheet1.xml). */
async function firstSheetPath(text: (name: string) => Promise<string | undefined>): Promise<string> {
  const workbook = (await text("xl/workbook.xml")) ?? "";
  const relId = /<sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1];
  const rels = (await text("xl/_rels/workbook.xml.rels")) ?? "";
  for (const match of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const tag = match[0];
    if (relId && attribute(tag, "Id") === relId) {
      const target = attribute(tag, "Target") ?? "";
      return target.startsWith("/") ? target.slice(1) : `xl/${target}`;
    }
  }
  return "xl/worksheets/sheet1.xml";
}

function centralDirectory(zip: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new PreviewError("not_xlsx");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  for (let n = 0; n < count && view.getUint32(at, true) === 0x02014b50; n++) {
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    entries.set(decoder.decode(zip.subarray(at + 46, at + 46 + nameLength)), {
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** An entry's text; with `until`, stops inflating once it holds what is needed. */
async function inflate(
  zip: Uint8Array,
  entry: ZipEntry,
  until?: (soFar: string) => boolean,
): Promise<string> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const start =
    entry.localOffset +
    30 +
    view.getUint16(entry.localOffset + 26, true) +
    view.getUint16(entry.localOffset + 28, true);
  const data = zip.slice(start, start + entry.compressedSize);
  if (entry.method === 0) return new TextDecoder().decode(data);
  if (entry.method !== 8) throw new PreviewError("not_xlsx");
  const reader = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (until?.(text)) {
      await reader.cancel();
      break;
    }
  }
  return text;
}

function parseSharedStrings(xml: string): string[] {
  return [...xml.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((si) =>
    [...(si[1] ?? "").matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)].map((t) => unescapeXml(t[1] ?? "")).join(""),
  );
}

function parseSheetRows(xml: string, shared: string[], limit: number): string[][] {
  const rows: string[][] = [];
  for (const row of xml.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
    if (rows.length >= limit) break;
    const values: string[] = [];
    for (const cell of (row[1] ?? "").matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = cell[1] ?? "";
      const inner = cell[2] ?? "";
      const column = columnIndex(attribute(attrs, "r") ?? "") ?? values.length;
      const type = attribute(attrs, "t");
      const raw = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      let value: string;
      if (type === "s") value = shared[Number(raw)] ?? "";
      else if (type === "inlineStr")
        value = [...inner.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1] ?? "").join("");
      else value = raw ?? "";
      while (values.length < column) values.push("");
      values[column] = unescapeXml(value);
    }
    rows.push(values);
  }
  return rows;
}

/** "C7" -> 2 */
function columnIndex(reference: string): number | undefined {
  const letters = /^[A-Z]+/.exec(reference)?.[0];
  if (!letters) return undefined;
  return [...letters].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0) - 1;
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    if (entity.startsWith("#x") || entity.startsWith("#X"))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()] ?? "";
  });
}
