import { compileJq, formatJq } from "./jq.js";
import { type Command, type Part, type Pipeline, parseShell, type Word } from "./shell.js";

/** What a Run button keeps between snippets, as a terminal keeps its variables and files. */
export interface ShellState {
  variables: Record<string, string>;
  files: Record<string, string>;
}

export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * Runs a bash snippet (see shell.ts for the part of bash it understands) with fetch. The pages' base URL
 * becomes `origin`; cookies are the browser's own (the reader's session), so `-b`/`-c` files and the `Origin`
 * header, which the browser sets itself, are left to the browser. Returns what the snippet printed.
 */
export async function runShell(
  source: string,
  state: ShellState,
  options: { origin: string; baseUrl: string; fetch?: typeof fetch },
): Promise<string> {
  const doFetch = options.fetch ?? fetch;
  let printed = "";

  const expand = async (word: Word): Promise<string> => {
    let text = "";
    for (const part of word) text += await expandPart(part);
    return text;
  };
  const expandPart = async (part: Part): Promise<string> => {
    if (part.kind === "text") return part.text;
    if (part.kind === "var") {
      const value = state.variables[part.name];
      if (value === undefined)
        throw new CommandFailed(`${part.name}: unbound variable (run the snippets above it first)`, printed);
      return value;
    }
    return (await pipeline(part.pipeline)).replace(/\n+$/, "");
  };

  const pipeline = async (commands: Pipeline): Promise<string> => {
    let input = "";
    for (const command of commands) input = await run(command, input);
    return input;
  };

  const run = async (command: Command, input: string): Promise<string> => {
    const args = await Promise.all(command.args.map(expand));
    switch (command.name) {
      case "curl":
        return curl(args);
      case "jq":
        return jq(args, input);
      case "tee":
        state.files[args[0]!] = input;
        return input;
      case "grep": {
        // The guides' patterns (`^id:`, `"status":"completed"`) mean the same as a JavaScript RegExp.
        const pattern = new RegExp(args[0]!);
        const lines = input.split("\n").filter((line) => pattern.test(line));
        if (lines.length === 0) throw new CommandFailed(`grep: no line contains ${args[0]}`, printed);
        return `${lines.join("\n")}\n`;
      }
    }
  };

  const jq = (args: string[], input: string): string => {
    const flags = args.filter((a) => a.startsWith("-")).join("");
    const [filter = ".", file] = args.filter((a) => !a.startsWith("-"));
    const text = file === undefined ? input : state.files[file];
    if (text === undefined) throw new CommandFailed(`jq: ${file}: No such file`, printed);
    const results = compileJq(filter)(JSON.parse(text));
    return results.map((r) => `${formatJq(r, flags.includes("c"), flags.includes("r"))}\n`).join("");
  };

  const curl = async (args: string[]): Promise<string> => {
    const headers = new Headers();
    const query: string[] = [];
    let method: string | undefined;
    let body: BodyInit | undefined;
    let form: FormData | undefined;
    let getQuery = false;
    let fail = false;
    let output: string | undefined;
    let url: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const value = () => args[++i] ?? "";
      if (arg === "-X") method = value();
      else if (arg === "-H") {
        const header = value();
        const colon = header.indexOf(":");
        const name = header.slice(0, colon).trim();
        // The browser sends its own Origin, and the session cookie from its own jar.
        if (!/^(origin|cookie)$/i.test(name)) headers.set(name, header.slice(colon + 1).trim());
      } else if (arg === "-d" || arg === "--data" || arg === "--data-raw") {
        body = value();
        if (!headers.has("Content-Type")) headers.set("Content-Type", "application/x-www-form-urlencoded");
      } else if (arg === "--data-urlencode") {
        const pair = value();
        const eq = pair.indexOf("=");
        query.push(`${pair.slice(0, eq)}=${encodeURIComponent(pair.slice(eq + 1))}`);
      } else if (arg === "-F") {
        form ??= new FormData();
        const field = value();
        const eq = field.indexOf("=");
        const name = field.slice(0, eq);
        const content = field.slice(eq + 1);
        if (content.startsWith("@")) {
          const file = content.slice(1);
          const text = state.files[file];
          if (text === undefined)
            throw new CommandFailed(`curl: (26) Failed to open/read local data from file ${file}`, printed);
          form.append(name, new Blob([text], { type: "text/csv" }), file);
        } else form.append(name, content);
      } else if (arg === "-o") output = value();
      else if (arg === "-b" || arg === "-c") value();
      else if (arg === "-G") getQuery = true;
      else if (arg === "-f" || arg === "--fail" || arg === "--fail-with-body") fail = true;
      else if (arg.startsWith("-") && !arg.startsWith("--")) {
        if (!/^-[sSNfL]+$/.test(arg))
          throw new CommandFailed(`curl: option ${arg} is not supported here`, printed);
        if (arg.includes("f")) fail = true;
      } else if (arg.startsWith("--"))
        throw new CommandFailed(`curl: option ${arg} is not supported here`, printed);
      else url = arg;
    }
    if (!url) throw new CommandFailed("curl: no URL", printed);
    let target = url.startsWith(options.baseUrl) ? options.origin + url.slice(options.baseUrl.length) : url;
    if (query.length > 0) {
      if (!getQuery) throw new CommandFailed("curl: --data-urlencode is used with -G here", printed);
      target += `${target.includes("?") ? "&" : "?"}${query.join("&")}`;
    }
    if (form) body = form;
    const response = await doFetch(target, {
      method: method ?? (body !== undefined ? "POST" : "GET"),
      headers,
      body,
      credentials: "same-origin",
    });
    const text = await response.text();
    if (output !== undefined) state.files[output] = text;
    if (fail && response.status >= 400) {
      printed += text;
      throw new CommandFailed(`curl: (22) The requested URL returned error: ${response.status}`, printed);
    }
    return output === undefined ? text : "";
  };

  for (const statement of parseShell(source)) {
    if (statement.kind === "assign") state.variables[statement.name] = await expand(statement.value);
    else {
      const text = await pipeline(statement.pipeline);
      printed += text && !text.endsWith("\n") ? `${text}\n` : text;
    }
  }
  return printed;
}
