import { CommandFailed, runShell, type ShellState } from "../../snippets/run-shell.js";

/** The pages' base URL; the Run buttons call the server that serves the page instead. */
const DOCS_BASE_URL = "http://localhost:3001";
const STATE_KEY = "segmento-docs-terminal";

type SnippetModule = {
  default: (
    process: { env: Record<string, string | undefined> },
    console: Pick<Console, "log" | "error">,
  ) => Promise<void>;
};

/** Variables and files the snippets set, kept for this site (every tab) like a terminal keeps them. */
const loadState = (): ShellState => {
  try {
    return { variables: {}, files: {}, ...JSON.parse(localStorage.getItem(STATE_KEY) ?? "{}") };
  } catch {
    return { variables: {}, files: {} };
  }
};
const saveState = (state: ShellState) => localStorage.setItem(STATE_KEY, JSON.stringify(state));

/** Runs the snippet of a Run button against the server that serves the page and shows what it printed. */
export async function runSnippetButton(button: HTMLButtonElement): Promise<void> {
  const result = button.nextElementSibling as HTMLElement;
  const code = decodeURIComponent(button.dataset.code ?? "");
  const state = loadState();
  button.disabled = true;
  result.hidden = false;
  result.className = "snippet-result running";
  result.textContent = "Running…";
  let printed = "";
  try {
    if (button.dataset.lang === "bash") {
      printed = await runShell(code, state, { origin: window.location.origin, baseUrl: DOCS_BASE_URL });
    } else {
      const snippets = (await import("virtual:segmento-snippets")).default as Record<
        string,
        () => Promise<SnippetModule>
      >;
      const load = snippets[button.dataset.snippet ?? ""];
      if (!load) throw new Error(`No runnable module for ${button.dataset.snippet}`);
      const lines: string[] = [];
      const print = (...values: unknown[]) =>
        lines.push(values.map((v) => (typeof v === "string" ? v : JSON.stringify(v, null, 2))).join(" "));
      await (await load()).default({ env: { ...state.variables } }, { log: print, error: print });
      printed = lines.map((l) => `${l}\n`).join("");
    }
    result.className = "snippet-result ok";
    result.textContent = printed || "(done, nothing printed)";
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const output = error instanceof CommandFailed ? error.output : printed;
    result.className = "snippet-result failed";
    result.textContent = `${output}${output && !output.endsWith("\n") ? "\n" : ""}✗ ${why}\n\nThe Run buttons call the Segmento server that serves these pages, with your browser's session.`;
  } finally {
    saveState(state);
    button.disabled = false;
  }
}
