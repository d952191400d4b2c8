import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Snippet } from "./blocks.js";
import { DOCS_BASE_URL, REPO_ROOT } from "./local-server.js";

export interface SnippetRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * One reader's terminal: every snippet runs in the same working directory and sees the shell variables the
 * snippets before it set, as if typed one after the other into one shell. Bash snippets run with `set -euo
 * pipefail`; TypeScript snippets are saved under docs-site/.snippets (so `@segmento/sdk` resolves as in the
 * repository) and run with tsx, with the shell's variables in their environment. The pages' base URL is pointed
 * at the server under test, and its port is put back in what they print.
 */
export class Terminal {
  private readonly cwd = mkdtempSync(path.join(tmpdir(), "segmento-docs-terminal-"));
  private readonly state = path.join(this.cwd, ".shell-state");
  private readonly tsDir = path.join(REPO_ROOT, "docs-site/.snippets");

  constructor(private readonly serverUrl: string) {
    writeFileSync(this.state, "");
    mkdirSync(this.tsDir, { recursive: true });
  }

  async run(snippet: Snippet): Promise<SnippetRun> {
    const code = snippet.code.replaceAll(DOCS_BASE_URL, this.serverUrl);
    // `set -a` exports every variable a snippet sets, so the next snippet (and tsx) sees it.
    const restore = `set -a\nsource ${JSON.stringify(this.state)}\n`;
    const save = `\nexport -p | grep -vE '^declare -x (PWD|OLDPWD|SHLVL|_)=' > ${JSON.stringify(this.state)}\n`;
    let script: string;
    if (snippet.lang === "bash") {
      script = `${restore}set -euo pipefail\n${code}${save}`;
    } else {
      const file = path.join(this.tsDir, `${snippet.page.replace(/[/.]/g, "-")}-${snippet.index}.ts`);
      writeFileSync(file, code);
      script = `${restore}set +a\nexec ${JSON.stringify(path.join(REPO_ROOT, "node_modules/.bin/tsx"))} ${JSON.stringify(file)}\n`;
    }
    const result = await promisify(execFile)("bash", ["--noprofile", "--norc", "-c", script], {
      cwd: this.cwd,
      env: { ...process.env, TERM: "dumb" },
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      ({ stdout, stderr }) => ({ stdout, stderr, exitCode: 0 }),
      (error: { stdout?: string; stderr?: string; code?: number }) => ({
        stdout: error.stdout ?? "",
        stderr: error.stderr ?? "",
        exitCode: typeof error.code === "number" ? error.code : 1,
      }),
    );
    const port = new URL(this.serverUrl).host;
    const local = new URL(DOCS_BASE_URL).host;
    return {
      ...result,
      stdout: result.stdout.replaceAll(port, local),
      stderr: result.stderr.replaceAll(port, local),
    };
  }
}
