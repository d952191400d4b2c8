/**
 * The sample shop the guides upload: a seeded synthetic shop (purchases, returns and one campaign with a control
 * group) as the CSV a shop would export. Committed, so a reader has it without building anything; the snippet
 * suite checks the file is what this writes. Rewrite it with `npx tsx docs-site/generate/sample-data.ts`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { syntheticShop } from "../../server/src/synthetic/shop.js";

export const SAMPLE_CSV = fileURLToPath(new URL("../docs/public/samples/orders.csv", import.meta.url));

const COLUMNS = [
  "customer_id",
  "order_date",
  "amount",
  "order_id",
  "status",
  "country",
  "type",
  "campaign_id",
  "group",
  "exposed_at",
] as const;

export function sampleCsv(): string {
  const rows = syntheticShop({ customers: 600, seed: 2026 }).map((record) =>
    COLUMNS.map((column) => String(record[column] ?? "")).join(","),
  );
  return `${[COLUMNS.join(","), ...rows].join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(SAMPLE_CSV, sampleCsv());
