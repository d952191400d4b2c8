import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { canonicalMapping, resolveColumns } from "../../src/ingest/columns.js";
import {
  detectDateOrder,
  type NormalizedRow,
  normalizeLine,
  normalizeRecord,
  type RowResult,
} from "../../src/ingest/normalize.js";
import type { Problem } from "../../src/ingest/problems.js";
import { readTabularRows } from "../../src/ingest/read-rows.js";
import { cellText, recordsToCsv } from "../../src/ingest/records-to-csv.js";

/** What the worker does with a batch's CSV: read it, map it by exact names, normalize each line. */
async function throughCsv(csv: string): Promise<RowResult[]> {
  const rows = readTabularRows(Readable.from([csv]), "csv");
  const header = await rows.next();
  if (header.done) throw new Error("no header");
  const resolved = resolveColumns(header.value.values, canonicalMapping(header.value.values));
  if (!resolved.ok) throw new Error(`header should resolve: ${JSON.stringify(resolved.problems)}`);
  const lines = [];
  for await (const row of rows) lines.push(row);
  const { order_date, exposed_at } = resolved.mapping;
  const dates = lines.flatMap((row) =>
    [order_date, exposed_at].flatMap((index) => (index === undefined ? [] : [row.values[index] ?? ""])),
  );
  const dateOrder = detectDateOrder(dates.filter((date) => date !== ""));
  return lines.map((row) => normalizeLine(resolved.mapping, row, { dateOrder }));
}

/** A directly normalized row as it reads after CSV: extra numbers and booleans become text. */
function asCsvText(row: NormalizedRow): NormalizedRow {
  return {
    ...row,
    extra: Object.fromEntries(Object.entries(row.extra).map(([key, value]) => [key, String(value)])),
  };
}

const rowsOf = (results: RowResult[]) =>
  results.map((result) => {
    if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
    return result.row;
  });

describe("recordsToCsv", () => {
  it("writes our fields in their order, then the other keys as first seen", () => {
    const csv = recordsToCsv([
      { country: "TR", amount: 5, customer_id: "c1", order_date: "2026-05-01" },
      { customer_id: "c2", vip: true, order_id: "o-2", note: null },
    ]);
    expect(csv.split("\n")[0]).toBe("customer_id,order_date,amount,order_id,country,vip,note");
    expect(csv.split("\n")[2]).toBe("c2,,,o-2,,true,");
  });

  it("writes values as text that reads back to the same value", () => {
    expect(cellText("  as is ")).toBe("  as is ");
    expect(cellText(1e21)).toBe("1e+21");
    expect(cellText(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(cellText(false)).toBe("false");
    expect(cellText(null)).toBe("");
    expect(cellText(undefined)).toBe("");
    expect(cellText({ a: [1, "b"] })).toBe('{"a":[1,"b"]}');
    expect(recordsToCsv([])).toBe("");
  });
});

describe("records -> CSV -> rows", () => {
  const records: Record<string, unknown>[] = [
    {
      customer_id: "C-1",
      order_date: "2026-05-01T14:03:00Z",
      amount: 129.9,
      order_id: "A-1001",
      quantity: 2,
      currency: "eur",
      country: "TR",
      note: 'He said "hi", then\nleft',
      vip: true,
      visits: 3,
      tags: ["a", "b"],
      address: { city: "Izmir" },
      empty: "",
      gone: null,
      price: 64.95,
      date: "not our order date",
    },
    { customer_id: 42, order_date: "2026-05-02", amount: -129.9, status: "returned", order_id: 1002 },
    { customer_id: "C-3", order_date: "2026-05-03 09:00", amount: 1e21, currency: "TRY", country: "  DE " },
    { customer_id: "C-4", order_date: "2026-05-04", amount: 1.5e-7, " padded key ": "x" },
    {
      customer_id: "C-1",
      type: "campaign_exposure",
      campaign_id: "spring-26",
      group: "Control",
      exposed_at: "2026-04-30T08:00:00+03:00",
      channel: "email",
    },
  ];

  it("gives the same rows as normalizing the records directly", async () => {
    const direct = rowsOf(
      records.map((record, index) => normalizeRecord(record, index, { dateOrder: "YMD" })),
    );
    const viaCsv = rowsOf(await throughCsv(recordsToCsv(records)));
    expect(viaCsv).toEqual(direct.map(asCsvText));
    expect(viaCsv[0]).toEqual({
      kind: "purchase",
      customerId: "C-1",
      orderDate: new Date("2026-05-01T14:03:00Z"),
      amount: 129.9,
      orderId: "A-1001",
      quantity: 2,
      currency: "EUR",
      status: null,
      extra: {
        country: "TR",
        note: 'He said "hi", then\nleft',
        vip: "true",
        visits: "3",
        tags: '["a","b"]',
        address: '{"city":"Izmir"}',
        price: "64.95",
        date: "not our order date",
      },
    });
    expect(viaCsv.slice(1, 4).map((row) => row.kind === "purchase" && [row.customerId, row.amount])).toEqual([
      ["42", -129.9],
      ["C-3", 1e21],
      ["C-4", 1.5e-7],
    ]);
    expect(viaCsv[3]?.extra).toEqual({ "padded key": "x" });
    expect(viaCsv[4]).toEqual({
      kind: "campaign_exposure",
      customerId: "C-1",
      campaignId: "spring-26",
      group: "control",
      exposedAt: new Date("2026-04-30T05:00:00Z"),
      extra: { channel: "email" },
    });
  });

  it("keeps extra numbers and booleans typed only when normalized directly", () => {
    const [direct] = rowsOf([normalizeRecord(records[0]!, 0, { dateOrder: "YMD" })]);
    expect(direct?.extra).toMatchObject({ vip: true, visits: 3, price: 64.95 });
  });

  it("finds the same problems both ways, at the record's index or its line", async () => {
    const invalid: Record<string, unknown>[] = [
      { customer_id: "ok", order_date: "2026-05-01", amount: 1 },
      { customer_id: "", order_date: "2026-02-30", amount: "12 EUR", currency: "EURO" },
      { customer_id: "c", type: "campaign_exposure", group: "both" },
    ];
    const key = (problem: Problem) => [problem.field, problem.rule, problem.messageKey, problem.params];
    const direct = invalid.map((record, index) => normalizeRecord(record, index, { dateOrder: "YMD" }));
    const viaCsv = await throughCsv(recordsToCsv(invalid));
    expect(viaCsv.map((result) => result.ok)).toEqual([true, false, false]);
    for (const index of [1, 2]) {
      const [csvResult, directResult] = [viaCsv[index], direct[index]];
      if (csvResult?.ok !== false || directResult?.ok !== false) throw new Error("expected problems");
      expect(csvResult.problems.map(key)).toEqual(directResult.problems.map(key));
      expect(csvResult.problems.every((problem) => problem.line === index + 2)).toBe(true);
      expect(directResult.problems.every((problem) => problem.index === index)).toBe(true);
    }
  });
});
