/**
 * A strict RFC 4180 reader over text arriving in chunks: quoted delimiters, line breaks and "" for a quote; a
 * quote inside an unquoted field or text after a closing quote is an error. Records end at LF, CRLF or a lone
 * CR. Each record comes with the line it starts on. It works a chunk at a time (no per-character callbacks,
 * unquoted fields are cut out of the text as they are): on the ingest accept path it is most of the work.
 */

/** Why a record cannot be read, and the line it starts on. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly problem: "quote_not_closed" | "quote_misplaced" | "record_too_large",
    readonly line: number,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = "CsvSyntaxError";
  }
}

export interface CsvRecord {
  line: number;
  values: string[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvScanner {
  /** The text of a record that has not ended yet, kept for the next chunk. */
  private carry = "";
  private line = 1;
  private readonly delimiter: number;

  constructor(
    delimiter: string,
    /** The longest record (in characters) before it is refused. */
    private readonly maxRecord: number,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** The records the chunk completes. */
  push(chunk: string): CsvRecord[] {
    return this.scan(this.carry + chunk, false);
  }

  /** The last record, if the text did not end with a line break. */
  end(): CsvRecord[] {
    return this.carry === "" ? [] : this.scan(this.carry, true);
  }

  private scan(text: string, final: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    const delimiter = this.delimiter;
    const length = text.length;
    let start = 0;
    // One record per pass; `break record` leaves an unfinished one in `carry` for the next chunk.
    record: while (start < length) {
      const values: string[] = [];
      let line = this.line;
      let i = start;
      for (;;) {
        if (i - start > this.maxRecord) throw new CsvSyntaxError("record_too_large", this.line);
        let value: string;
        if (text.charCodeAt(i) === QUOTE) {
          value = "";
          let from = i + 1;
          for (;;) {
            const close = text.indexOf('"', from);
            if (close < 0) {
              if (length - start > this.maxRecord) throw new CsvSyntaxError("record_too_large", this.line);
              if (final) throw new CsvSyntaxError("quote_not_closed", this.line);
              break record;
            }
            if (close + 1 >= length && !final) break record;
            if (text.charCodeAt(close + 1) === QUOTE) {
              value += text.slice(from, close + 1);
              from = close + 2;
              continue;
            }
            value += text.slice(from, close);
            i = close + 1;
            break;
          }
          line += lineBreaks(value);
          const next = i < length ? text.charCodeAt(i) : -1;
          if (next !== -1 && next !== delimiter && next !== LF && next !== CR)
            throw new CsvSyntaxError("quote_misplaced", this.line);
        } else {
          let j = i;
          for (; j < length; j++) {
            const code = text.charCodeAt(j);
            if (code === delimiter || code === LF || code === CR) break;
            if (code === QUOTE) throw new CsvSyntaxError("quote_misplaced", this.line);
          }
          if (j >= length && !final) break record;
          value = text.slice(i, j);
          i = j;
        }
        values.push(value);
        if (i >= length) {
          // The text's end ends the last record (only when final: otherwise the loop left above).
          this.emit(records, values);
          start = length;
          this.line = line;
          break record;
        }
        const code = text.charCodeAt(i);
        if (code === delimiter) {
          i += 1;
          if (i >= length && !final) break record;
          continue;
        }
        // A line break: CRLF is one, a CR at the chunk's end waits to see whether LF follows.
        if (code === CR) {
          if (i + 1 >= length && !final) break record;
          i += text.charCodeAt(i + 1) === LF ? 2 : 1;
        } else {
          i += 1;
        }
        this.emit(records, values);
        this.line = line + 1;
        start = i;
        continue record;
      }
    }
    this.carry = start < length ? text.slice(start) : "";
    if (this.carry.length > this.maxRecord) throw new CsvSyntaxError("record_too_large", this.line);
    return records;
  }

  /** A record whose values are all blank (an empty line too) is skipped. */
  private emit(records: CsvRecord[], values: string[]): void {
    for (const value of values) {
      if (value.trim() !== "") {
        records.push({ line: this.line, values });
        return;
      }
    }
  }
}

/** Line breaks inside a quoted value: LF, CRLF or a lone CR, each one line. */
function lineBreaks(value: string): number {
  let count = 0;
  for (let i = value.indexOf("\r"); i >= 0; i = value.indexOf("\r", i + 1)) count += 1;
  for (let i = value.indexOf("\n"); i >= 0; i = value.indexOf("\n", i + 1)) {
    if (i === 0 || value.charCodeAt(i - 1) !== CR) count += 1;
  }
  return count;
}
