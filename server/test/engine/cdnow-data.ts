/** Readers for the vendored CDNOW reference files (server/test/fixtures/cdnow, see its SOURCES.md). */
import { readFileSync } from "node:fs";
import type { PurchaseRecord } from "../../src/engine/customer-history.js";

const DIR = new URL("../fixtures/cdnow/", import.meta.url);

/** CDNOW_sample.txt: `master_id sample_id YYYYMMDD cds dollars`, CRLF, no header; customers keyed by sample_id. */
export function cdnowSamplePurchases(): PurchaseRecord[] {
  const text = readFileSync(new URL("CDNOW_sample.txt", DIR), "utf8");
  const out: PurchaseRecord[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const [, sampleId, date, , dollars] = fields as [string, string, string, string, string];
    const at = new Date(
      Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))),
    );
    out.push({ customerId: String(Number(sampleId)), at, amount: Number(dollars) });
  }
  return out;
}

/** A CSV with a header and numeric columns (ID first), as rows keyed by column name. */
export function cdnowCsv(name: string): Record<string, number>[] {
  const lines = readFileSync(new URL(name, DIR), "utf8").split(/\r?\n/).filter(Boolean);
  const header = lines[0]!.split(",");
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(header.map((column, i) => [column, Number(cells[i])]));
  });
}

export const utc = (date: string) => new Date(`${date}T00:00:00Z`);
