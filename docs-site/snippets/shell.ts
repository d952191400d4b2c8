/**
 * The shell the site's Run buttons understand: the part of bash the guides' snippets are written in, so that a
 * snippet can run in the reader's browser against the server that serves the docs. The site's build parses every
 * runnable bash block with it and fails on anything outside it, so every snippet the suite runs in real bash can
 * also run from its page.
 *
 * Statements, one per line (a trailing `\` continues a line; `#` starts a comment line):
 *   NAME=WORD | export NAME=WORD | command [| command]...
 * Words: 'single quoted', "double quoted" (with $NAME, ${NAME} and $(...)), bare, and any of them side by side.
 * Commands: curl, jq, tee FILE, grep PATTERN (a simple pattern: text, ^ and $).
 */
import { compileJq } from "./jq.js";

export type Part =
  | { kind: "text"; text: string }
  | { kind: "var"; name: string }
  | { kind: "command"; pipeline: Pipeline };
export type Word = Part[];
export type Command = { name: "curl" | "jq" | "tee" | "grep"; args: Word[] };
export type Pipeline = Command[];
export type Statement = { kind: "assign"; name: string; value: Word } | { kind: "run"; pipeline: Pipeline };

const COMMANDS = new Set(["curl", "jq", "tee", "grep"]);

export class ShellSyntaxError extends Error {}

export function parseShell(source: string): Statement[] {
  return logicalLines(source)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map(statement);
}

/** The source's lines, joined where a line ends in `\` or a quote spans lines. */
function logicalLines(source: string): string[] {
  const lines: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') {
        current += c + (source[++i] ?? "");
        continue;
      }
      if (c === quote) quote = null;
      current += c;
    } else if (c === "\\" && source[i + 1] === "\n") {
      current += " ";
      i++;
    } else if (c === "\n") {
      lines.push(current);
      current = "";
    } else {
      if ((c === "'" || c === '"') && !current.trimStart().startsWith("#")) quote = c;
      current += c;
    }
  }
  lines.push(current);
  return lines;
}

function statement(line: string): Statement {
  const tokens = new Tokens(line).all();
  const head = tokens[0];
  const body = head === "export" ? tokens.slice(1) : tokens;
  const first = body[0];
  if (Array.isArray(first)) {
    const lead = first[0];
    const text = lead?.kind === "text" ? lead.text : "";
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(text);
    if (assignment) {
      if (body.length !== 1) throw new ShellSyntaxError(`one value per assignment: ${line}`);
      const rest = text.slice(assignment[0].length);
      const value: Word = [...(rest ? [{ kind: "text" as const, text: rest }] : []), ...first.slice(1)];
      return { kind: "assign", name: assignment[1]!, value };
    }
  }
  if (head === "export") throw new ShellSyntaxError(`export needs NAME=value: ${line}`);
  return { kind: "run", pipeline: pipeline(tokens, line) };
}

function pipeline(tokens: (Word | "|" | "export")[], line: string): Pipeline {
  const commands: Pipeline = [];
  let current: Word[] = [];
  const flush = () => {
    const [name, ...args] = current;
    const lead = name?.length === 1 ? name[0] : undefined;
    const text = lead?.kind === "text" ? lead.text : undefined;
    if (!text || !COMMANDS.has(text))
      throw new ShellSyntaxError(`only curl, jq, tee and grep run in the browser: ${line}`);
    commands.push({ name: text as Command["name"], args });
    current = [];
  };
  for (const token of tokens) {
    if (token === "|") flush();
    else if (token === "export") throw new ShellSyntaxError(`export starts a line: ${line}`);
    else current.push(token);
  }
  flush();
  return commands;
}

/** Splits a line into words and `|`, reading quotes and expansions. */
class Tokens {
  private at = 0;
  constructor(private readonly text: string) {}

  all(): (Word | "|" | "export")[] {
    const tokens: (Word | "|" | "export")[] = [];
    for (;;) {
      while (this.text[this.at] === " " || this.text[this.at] === "\t") this.at++;
      if (this.at >= this.text.length) return tokens;
      if (this.text[this.at] === "|") {
        this.at++;
        tokens.push("|");
        continue;
      }
      if (";&<>`".includes(this.text[this.at]!))
        throw new ShellSyntaxError(`"${this.text[this.at]}" is not supported: ${this.text}`);
      const word = this.word();
      const lead = word.length === 1 ? word[0] : undefined;
      const plain = lead?.kind === "text" ? lead.text : undefined;
      tokens.push(plain === "export" && tokens.length === 0 ? "export" : word);
    }
  }

  private word(): Word {
    const parts: Word = [];
    const text = (t: string) => {
      const last = parts.at(-1);
      if (last?.kind === "text") last.text += t;
      else parts.push({ kind: "text", text: t });
    };
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (c === " " || c === "\t" || c === "|") break;
      if (c === "'") {
        const end = this.text.indexOf("'", this.at + 1);
        if (end < 0) throw new ShellSyntaxError(`unterminated ' in: ${this.text}`);
        text(this.text.slice(this.at + 1, end));
        this.at = end + 1;
      } else if (c === '"') {
        this.at++;
        while (this.text[this.at] !== '"') {
          if (this.at >= this.text.length) throw new ShellSyntaxError(`unterminated " in: ${this.text}`);
          const d = this.text[this.at]!;
          if (d === "\\" && '"\\$`'.includes(this.text[this.at + 1] ?? "")) {
            text(this.text[this.at + 1]!);
            this.at += 2;
          } else if (d === "$") parts.push(this.expansion());
          else {
            text(d);
            this.at++;
          }
        }
        this.at++;
      } else if (c === "$") parts.push(this.expansion());
      else if (c === "\\") {
        text(this.text[this.at + 1] ?? "");
        this.at += 2;
      } else if (";&<>`".includes(c)) throw new ShellSyntaxError(`"${c}" is not supported: ${this.text}`);
      else {
        text(c);
        this.at++;
      }
    }
    return parts;
  }

  private expansion(): Part {
    const rest = this.text.slice(this.at);
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    const name = braced ?? bare;
    if (name) {
      this.at += name[0].length;
      return { kind: "var", name: name[1]! };
    }
    if (rest.startsWith("$(")) {
      let depth = 0;
      let quote: string | null = null;
      for (let i = 1; i < rest.length; i++) {
        const c = rest[i]!;
        if (quote) {
          if (c === quote) quote = null;
        } else if (c === "'" || c === '"') quote = c;
        else if (c === "(") depth++;
        else if (c === ")" && --depth === 0) {
          this.at += i + 1;
          return { kind: "command", pipeline: pipeline(new Tokens(rest.slice(2, i)).all(), rest) };
        }
      }
      throw new ShellSyntaxError(`unterminated $( in: ${this.text}`);
    }
    throw new ShellSyntaxError(`only $NAME, \${NAME} and $(...) expand: ${this.text}`);
  }
}

/** Parses a snippet and compiles each literal jq filter in it: what the site's build checks. */
export function checkShell(source: string): void {
  const visit = (pipeline: Pipeline) => {
    for (const command of pipeline) {
      for (const word of command.args)
        for (const part of word) if (part.kind === "command") visit(part.pipeline);
      if (command.name !== "jq") continue;
      const filter = command.args.find((w) => !(w[0]?.kind === "text" && w[0].text.startsWith("-")));
      if (filter?.every((p) => p.kind === "text"))
        compileJq(filter.map((p) => (p as { text: string }).text).join(""));
    }
  };
  for (const statement of parseShell(source)) {
    if (statement.kind === "run") visit(statement.pipeline);
    else for (const part of statement.value) if (part.kind === "command") visit(part.pipeline);
  }
}
