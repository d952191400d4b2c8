import type { Theme } from "vitepress";
import DefaultTheme from "vitepress/theme";
import "./custom.css";
import { runSnippetButton } from "./run-snippet.js";

export default {
  extends: DefaultTheme,
  enhanceApp() {
    if (typeof document === "undefined") return;
    document.addEventListener("click", (event) => {
      const button = (event.target as Element | null)?.closest?.("button.snippet-run");
      if (button instanceof HTMLButtonElement) void runSnippetButton(button);
    });
  },
} satisfies Theme;
