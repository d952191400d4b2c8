// The first load's size: index.html and every script, stylesheet and preloaded module it names, gzipped.
// Lazy chunks (Chart.js) load later and are listed apart. Fails over the budget (250 kB gzip).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 250 * 1000;
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "../dist");
const html = readFileSync(path.join(dist, "index.html"));
const assets = [
  ...new Set([...html.toString().matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])),
];
const gzip = (buffer) => gzipSync(buffer, { level: 9 }).length;
const rows = [
  ["index.html", gzip(html)],
  ...assets.map((asset) => [asset, gzip(readFileSync(path.join(dist, asset)))]),
];
const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0);
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
for (const [name, bytes] of rows) console.log(`  ${name.padEnd(44)} ${kb(bytes).padStart(9)}`);
console.log(`dashboard first load: ${kb(total)} gzip (budget ${kb(BUDGET_BYTES)})`);
if (total > BUDGET_BYTES) {
  console.error(
    `Over budget by ${kb(total - BUDGET_BYTES)}: lazy-load more (see src/ui/chart.tsx) or drop a dependency.`,
  );
  process.exit(1);
}
