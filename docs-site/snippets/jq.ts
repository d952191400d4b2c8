/**
 * The part of jq the guides use, for the Run buttons (in real jq the same filters mean the same): `.`, paths
 * (`.a.b`, `.a[0]`, `.a[]`), pipes, object construction (`{ a, b: .c.d }`), array construction (`[ .a[].b ]`),
 * `length` and `keys`. The site's build fails on a filter outside it.
 */
type Json = unknown;
type Filter = (input: Json) => Json[];

export class JqSyntaxError extends Error {}

export function compileJq(source: string): Filter {
  const parser = new Parser(source);
  const filter = parser.pipe();
  parser.end();
  return filter;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  end(): void {
    this.skip();
    if (this.at < this.text.length) this.fail("unexpected text");
  }

  pipe(): Filter {
    let left = this.postfix();
    for (;;) {
      this.skip();
      if (this.text[this.at] !== "|") return left;
      this.at++;
      const first = left;
      const right = this.postfix();
      left = (input) => first(input).flatMap(right);
    }
  }

  private postfix(): Filter {
    this.skip();
    let filter = this.primary();
    for (;;) {
      const c = this.text[this.at];
      if (c === "." && IDENT.test(this.text.slice(this.at + 1))) {
        this.at++;
        filter = chain(filter, field(this.ident()));
      } else if (c === "[") filter = chain(filter, this.index());
      else return filter;
    }
  }

  private primary(): Filter {
    const c = this.text[this.at];
    if (c === ".") {
      this.at++;
      if (IDENT.test(this.text.slice(this.at))) return field(this.ident());
      return (input) => [input];
    }
    if (c === "{") return this.object();
    if (c === "[") {
      this.at++;
      const inner = this.pipe();
      this.expect("]");
      return (input) => [inner(input)];
    }
    const word = IDENT.exec(this.text.slice(this.at))?.[0];
    if (word === "length") {
      this.at += word.length;
      return (input) => [
        Array.isArray(input) || typeof input === "string"
          ? input.length
          : input && typeof input === "object"
            ? Object.keys(input).length
            : 0,
      ];
    }
    if (word === "keys") {
      this.at += word.length;
      return (input) => [Object.keys(input as object).sort()];
    }
    return this.fail("expected ., a path, { }, [ ], length or keys");
  }

  private index(): Filter {
    this.expect("[");
    this.skip();
    if (this.text[this.at] === "]") {
      this.at++;
      return (input) => (Array.isArray(input) ? input : Object.values(input as object));
    }
    const digits = /^-?\d+/.exec(this.text.slice(this.at))?.[0];
    if (!digits) return this.fail("expected [] or [number]");
    this.at += digits.length;
    this.expect("]");
    const n = Number(digits);
    return (input) => [Array.isArray(input) ? (input.at(n) ?? null) : null];
  }

  private object(): Filter {
    this.expect("{");
    const entries: [string, Filter][] = [];
    for (;;) {
      this.skip();
      const key = this.ident();
      this.skip();
      if (this.text[this.at] === ":") {
        this.at++;
        entries.push([key, this.pipe()]);
      } else entries.push([key, field(key)]);
      this.skip();
      if (this.text[this.at] === ",") {
        this.at++;
        continue;
      }
      this.expect("}");
      break;
    }
    return (input) => {
      let results: Record<string, Json>[] = [{}];
      for (const [key, filter] of entries) {
        const values = filter(input);
        results = results.flatMap((partial) => values.map((value) => ({ ...partial, [key]: value })));
      }
      return results;
    };
  }

  private ident(): string {
    const name = IDENT.exec(this.text.slice(this.at))?.[0];
    if (!name) return this.fail("expected a name");
    this.at += name.length;
    return name;
  }

  private expect(c: string): void {
    this.skip();
    if (this.text[this.at] !== c) this.fail(`expected "${c}"`);
    this.at++;
  }

  private skip(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  private fail(why: string): never {
    throw new JqSyntaxError(`jq filter "${this.text}": ${why} at position ${this.at + 1}`);
  }
}

const field =
  (name: string): Filter =>
  (input) => [
    input !== null && typeof input === "object" && !Array.isArray(input)
      ? ((input as Record<string, Json>)[name] ?? null)
      : null,
  ];

const chain =
  (first: Filter, second: Filter): Filter =>
  (input) =>
    first(input).flatMap(second);

/** jq's own printing: two-space indentation, or one line with -c. */
export const formatJq = (value: Json, compact: boolean, raw: boolean): string =>
  raw && typeof value === "string" ? value : JSON.stringify(value, null, compact ? undefined : 2);
