import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/engine/random.js";
import { CsvScanner, CsvSyntaxError } from "../../src/ingest/csv.js";

/** Every record of `text` fed in pieces of the given sizes (cycled), with its line. */
function scanAll(text: string, sizes: number[], delimiter = ",", maxRecord = 1_000_000) {
  const scanner = new CsvScanner(delimiter, maxRecord);
  const records = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length] as number;
    records.push(...scanner.push(text.slice(at, at + size)));
    at += size;
  }
  records.push(...scanner.end());
  return records;
}

/**
 * A random CSV text: quoted and unquoted fields, quotes, delimiters and line breaks inside quotes, blank lines.
 * One kind of line break per text (csv-parse takes the first it meets as the only one).
 */
function randomCsv(next: () => number, delimiter: string): string {
  const pieces = ["a", "b c", "1.5", " ", "ş", "", "x y"];
  const breaks = [["\n", "\r\n", "\r"][Math.floor(next() * 3)] as string];
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)] as T;
  let text = "";
  const records = 1 + Math.floor(next() * 12);
  for (let r = 0; r < records; r++) {
    const width = 1 + Math.floor(next() * 4);
    const fields = [];
    for (let f = 0; f < width; f++) {
      if (next() < 0.3) {
        const inner = [pick(pieces), pick(['""', delimiter, pick(breaks), ""]), pick(pieces)].join("");
        fields.push(`"${inner}"`);
      } else fields.push(pick(pieces));
    }
    text += fields.join(delimiter);
    if (r < records - 1 || next() < 0.5) text += pick(breaks);
    if (next() < 0.15) text += pick(breaks);
  }
  return text;
}

/** What csv-parse (the reader this one replaced) makes of it, with the same rule for all-blank records. */
function oracle(text: string, delimiter: string) {
  const rows: string[][] = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true });
  return rows.filter((values) => values.some((value) => value.trim() !== ""));
}

describe("CsvScanner", () => {
  it("reads what csv-parse reads, whatever the chunk boundaries (random texts)", () => {
    const next = seededRandom(7);
    for (let n = 0; n < 300; n++) {
      const delimiter = n % 2 === 0 ? "," : ";";
      const text = randomCsv(next, delimiter);
      const expected = oracle(text, delimiter);
      for (const sizes of [[text.length || 1], [1], [2, 3], [7, 1, 5]]) {
        expect(scanAll(text, sizes, delimiter).map((record) => record.values)).toEqual(expected);
      }
    }
  });

  it("numbers each record by the line it starts on", () => {
    const text = 'h1,h2\r\n"a\r\nb",1\n\n"c\rd"\r2,3';
    expect(scanAll(text, [1]).map((record) => record.line)).toEqual([1, 2, 5, 7]);
    expect(scanAll(text, [100]).map((record) => record.line)).toEqual([1, 2, 5, 7]);
  });

  it("refuses misplaced and unclosed quotes and too large records, with the record's line", () => {
    const error = (text: string, maxRecord?: number) => {
      try {
        scanAll(text, [3], ",", maxRecord);
      } catch (caught) {
        return caught;
      }
      return undefined;
    };
    expect(error('a\nb"c\n')).toEqual(new CsvSyntaxError("quote_misplaced", 2));
    expect(error('a\n"b"c\n')).toEqual(new CsvSyntaxError("quote_misplaced", 2));
    expect(error('a\n\n"b\nc')).toEqual(new CsvSyntaxError("quote_not_closed", 3));
    expect(error(`a\n"${"x".repeat(50)}`, 20)).toEqual(new CsvSyntaxError("record_too_large", 2));
    expect(error(`a\n${"x".repeat(50)}\n`, 20)).toEqual(new CsvSyntaxError("record_too_large", 2));
  });
});
