import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { resolveColumns } from "../../src/ingest/columns.js";
import { normalizeLine } from "../../src/ingest/normalize.js";
import {
  detectDelimiter,
  detectFormat,
  IngestFormatError,
  MAX_RECORD_BYTES,
  readTabularRows,
  type TabularRow,
} from "../../src/ingest/read-rows.js";

/** The text as a stream, in chunks of `size` bytes (to cross every boundary). */
function streamOf(content: string | Buffer, size = 64 * 1024): Readable {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

async function readAll(input: Readable, format: "csv" | "xlsx", options?: { delimiter?: string }) {
  const rows: TabularRow[] = [];
  for await (const row of readTabularRows(input, format, options)) rows.push(row);
  return rows;
}

async function formatError(read: Promise<unknown>): Promise<IngestFormatError> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestFormatError);
  return error as IngestFormatError;
}

describe("readTabularRows: CSV", () => {
  const tricky =
    "\uFEFFCustomerID;InvoiceDate;Amount;Note\r\n" +
    'c1;2026-05-01;1.234,50;"two\r\nlines"\r\n' +
    "\r\n" +
    'c2;2026-05-02;12;"a;b"\r\n' +
    'c3;2026-05-03;7;"say ""hi"""\r\n' +
    ";;;\r\n" +
    'c4;2026-05-04;8;"  kept  "';
  const expected: TabularRow[] = [
    { line: 1, values: ["CustomerID", "InvoiceDate", "Amount", "Note"] },
    { line: 2, values: ["c1", "2026-05-01", "1.234,50", "two\r\nlines"] },
    { line: 5, values: ["c2", "2026-05-02", "12", "a;b"] },
    { line: 6, values: ["c3", "2026-05-03", "7", 'say "hi"'] },
    { line: 8, values: ["c4", "2026-05-04", "8", "  kept  "] },
  ];

  it("strips the BOM, detects ;, keeps quoted delimiters, quotes and line breaks, numbers lines", async () => {
    expect(await readAll(streamOf(tricky), "csv")).toEqual(expected);
  });

  it("gives the same rows and lines when the file arrives a byte at a time", async () => {
    expect(await readAll(streamOf(tricky, 1), "csv")).toEqual(expected);
  });

  it("counts LF, CRLF and lone CR line breaks, and line breaks inside quotes", async () => {
    const lf = 'a,b\n1,"x\ny\nz"\n\n\n2,3\n';
    expect((await readAll(streamOf(lf), "csv")).map((row) => row.line)).toEqual([1, 2, 7]);
    const cr = "a,b\r1,2\r\r3,4";
    expect((await readAll(streamOf(cr, 3), "csv")).map((row) => row.line)).toEqual([1, 2, 4]);
  });

  it("reads strings from a stream with an encoding set", async () => {
    const input = streamOf("a,b\n1,2\n");
    input.setEncoding("utf8");
    expect(await readAll(input, "csv")).toEqual([
      { line: 1, values: ["a", "b"] },
      { line: 2, values: ["1", "2"] },
    ]);
  });

  it("detects tab and pipe delimiters, and takes a given one", async () => {
    expect((await readAll(streamOf("a\tb\tc\n1\t2\t3\n"), "csv"))[1]?.values).toEqual(["1", "2", "3"]);
    expect((await readAll(streamOf("a|b\n1|2\n"), "csv"))[1]?.values).toEqual(["1", "2"]);
    expect((await readAll(streamOf("a;b,c\n1;2,3\n"), "csv", { delimiter: "," }))[1]?.values).toEqual([
      "1;2",
      "3",
    ]);
  });

  it("chooses the delimiter from the first line, outside quotes", () => {
    expect(detectDelimiter('"a;b;c",d,e\nx;y;z;w;v')).toBe(",");
    expect(detectDelimiter("a;b;c,d")).toBe(";");
    expect(detectDelimiter("\uFEFFid\tdate\tamount")).toBe("\t");
    expect(detectDelimiter("single")).toBe(",");
  });

  it("yields rows of a different width for the caller to judge", async () => {
    const rows = await readAll(streamOf("a,b,c\n1,2\n1,2,3,4\n"), "csv");
    expect(rows.map((row) => row.values.length)).toEqual([3, 2, 4]);
  });

  it("throws an unclosed quote with the line its record starts on", async () => {
    const error = await formatError(readAll(streamOf('a,b\n1,2\n\n3,"abc\n4,5\n6,7\n'), "csv"));
    expect(error).toMatchObject({ line: 4, messageKey: "ingest.csv_quote_not_closed", params: { line: 4 } });
    expect(error.message).toBe("line 4: a quoted field starts here and is never closed");
  });

  it("throws a quote inside an unquoted field, or text after a closing quote", async () => {
    const inside = await formatError(readAll(streamOf('a,b\r\n1,2\r\n3,12" vinyl\r\n'), "csv"));
    expect(inside).toMatchObject({ line: 3, messageKey: "ingest.csv_quote_misplaced" });
    const after = await formatError(readAll(streamOf('a,b\n1,"x\ny"\n2,"ab"c\n'), "csv"));
    expect(after).toMatchObject({ line: 4, messageKey: "ingest.csv_quote_misplaced", params: { line: 4 } });
  });

  it("limits a record's size, so an unclosed quote cannot swallow the file", async () => {
    const huge = `a,b\n1,"${"x".repeat(MAX_RECORD_BYTES + 10)}`;
    const error = await formatError(readAll(streamOf(huge), "csv"));
    expect(error).toMatchObject({ line: 2, messageKey: "ingest.csv_record_too_large" });
  });

  it("throws for an empty file and for a delimiter that cannot be one", async () => {
    expect(await formatError(readAll(streamOf("\uFEFF\r\n\r\n"), "csv"))).toMatchObject({
      messageKey: "ingest.file_empty",
      line: undefined,
    });
    expect(await formatError(readAll(streamOf("a,b\n"), "csv", { delimiter: '"' }))).toMatchObject({
      messageKey: "ingest.csv_delimiter_invalid",
    });
  });

  it("passes the input's own error through", async () => {
    const input = new Readable({
      read() {
        this.push("a,b\n1,2\n");
        this.destroy(new Error("client went away"));
      },
    });
    await expect(readAll(input, "csv")).rejects.toThrow("client went away");
  });

  it("stops reading when the caller stops", async () => {
    const input = streamOf("a,b\n1,2\n3,4\n5,6\n");
    for await (const row of readTabularRows(input, "csv")) if (row.line === 2) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(input.destroyed).toBe(true);
  });
});

describe("readTabularRows: XLSX", () => {
  async function workbook(): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Orders");
    sheet.addRow(["CustomerID", "InvoiceDate", "Amount", "Note", "Paid", "Flag", "Check"]);
    sheet.addRow([
      12345,
      new Date(Date.UTC(2026, 4, 1, 14, 3)),
      129.9,
      { richText: [{ text: "rich " }, { text: "text", font: { bold: true } }] },
      { formula: "C2*2", result: 259.8 },
      true,
      { error: "#N/A" },
    ]);
    sheet.addRow(["c2", new Date(Date.UTC(2026, 4, 2)), 12]);
    sheet.getRow(5).values = ["c3", "2026-05-03", "7,50", "", "", "", "", "", ""];
    sheet.getRow(6).values = ["c4", "2026-05-04", 1, "", "", "", "", "", "stray"];
    book.addWorksheet("Other").addRow(["not", "read"]);
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  it("reads the first worksheet: numbers, dates, rich text, formulas, padding, sheet row numbers", async () => {
    const rows = await readAll(streamOf(await workbook(), 1000), "xlsx");
    expect(rows).toEqual([
      { line: 1, values: ["CustomerID", "InvoiceDate", "Amount", "Note", "Paid", "Flag", "Check"] },
      {
        line: 2,
        values: ["12345", "2026-05-01T14:03:00.000Z", "129.9", "rich text", "259.8", "true", "#N/A"],
      },
      { line: 3, values: ["c2", "2026-05-02T00:00:00.000Z", "12", "", "", "", ""] },
      { line: 5, values: ["c3", "2026-05-03", "7,50", "", "", "", ""] },
      { line: 6, values: ["c4", "2026-05-04", "1", "", "", "", "", "", "stray"] },
    ]);
  });

  it("goes through the same column resolver and normalizer as CSV", async () => {
    const [header, ...rows] = await readAll(streamOf(await workbook()), "xlsx");
    const resolved = resolveColumns(header?.values ?? []);
    if (!resolved.ok) throw new Error("header should resolve");
    const results = rows.map((row) => normalizeLine(resolved.mapping, row, { dateOrder: "YMD" }));
    expect(results[0]).toEqual({
      ok: true,
      row: {
        kind: "purchase",
        customerKey: "12345",
        orderDate: new Date("2026-05-01T14:03:00Z"),
        amount: 129.9,
        orderId: null,
        quantity: null,
        currency: null,
        status: null,
        extra: { Note: "rich text", Paid: "259.8", Flag: "true", Check: "#N/A" },
      },
    });
    expect(results[2]).toMatchObject({ ok: true, row: { amount: 7.5 } });
    expect(results[3]).toMatchObject({
      ok: false,
      problems: [{ line: 6, messageKey: "ingest.column_count" }],
    });
  });

  it("stops reading when the caller stops", async () => {
    const input = streamOf(await workbook(), 1000);
    for await (const row of readTabularRows(input, "xlsx")) if (row.line === 2) break;
    expect(input.destroyed).toBe(true);
  });

  it("throws for a file that is not a workbook", async () => {
    const error = await formatError(
      readAll(streamOf(Buffer.from("PK\u0003\u0004 not really a zip")), "xlsx"),
    );
    expect(error.messageKey).toBe("ingest.xlsx_unreadable");
  });

  it("throws for a workbook without rows", async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet("Empty");
    const error = await formatError(readAll(streamOf(Buffer.from(await book.xlsx.writeBuffer())), "xlsx"));
    expect(error.messageKey).toBe("ingest.file_empty");
  });

  it("passes the input's own error through instead of waiting forever", async () => {
    const bytes = await workbook();
    const input = new Readable({
      read() {
        this.push(bytes.subarray(0, 200));
        this.destroy(new Error("upload aborted"));
      },
    });
    await expect(readAll(input, "xlsx")).rejects.toThrow("upload aborted");
  });
});

describe("detectFormat", () => {
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);
  const text = Buffer.from("customer_id,order_date,amount\n", "utf8");

  it("knows an XLSX by its ZIP signature or, when empty, its name", () => {
    expect(detectFormat("orders.xlsx", zip)).toBe("xlsx");
    expect(detectFormat("upload", zip)).toBe("xlsx");
    expect(detectFormat("orders.XLSX", Buffer.alloc(0))).toBe("xlsx");
    expect(detectFormat("report.docx", zip)).toBeUndefined();
    expect(detectFormat("orders.xlsx", text)).toBeUndefined();
  });

  it("knows a CSV by its text, whatever the name", () => {
    expect(detectFormat("orders.csv", text)).toBe("csv");
    expect(detectFormat("orders.tsv", Buffer.from("a\tb\r\n"))).toBe("csv");
    expect(detectFormat("export.txt", Buffer.from("\uFEFFmüşteri;tarih\n", "utf8"))).toBe("csv");
    expect(detectFormat("no-extension", text)).toBe("csv");
    expect(detectFormat("orders.csv", Buffer.alloc(0))).toBe("csv");
  });

  it("refuses other binaries", () => {
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x00, 0x00]);
    expect(detectFormat("orders.xls", xls)).toBeUndefined();
    expect(detectFormat("orders.csv", xls)).toBeUndefined();
    expect(detectFormat("report.pdf", Buffer.from("%PDF-1.7\n%\u00e2\u00e3"))).toBeUndefined();
    expect(detectFormat("orders.csv", Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBeUndefined();
    expect(detectFormat("utf16.csv", Buffer.from("\uFEFFa,b", "utf16le"))).toBeUndefined();
    expect(detectFormat("picture.png", Buffer.alloc(0))).toBeUndefined();
  });
});
