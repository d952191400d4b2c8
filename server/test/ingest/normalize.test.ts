import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { translate } from "../../src/i18n/index.js";
import { type ColumnMapping, resolveColumns } from "../../src/ingest/columns.js";
import {
  isReturnStatus,
  type NormalizedRow,
  normalizeLine,
  normalizeRecord,
  normalizeRow,
  type RowResult,
} from "../../src/ingest/normalize.js";
import { type Problem, toPendingDetail } from "../../src/ingest/problems.js";

const MDY = { dateOrder: "MDY" } as const;

function rowOf(result: RowResult): NormalizedRow {
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result.row;
}

function problemsOf(result: RowResult): Problem[] {
  if (result.ok) throw new Error("expected problems");
  return result.problems;
}

const brief = (problems: Problem[]) => problems.map((problem) => [problem.field, problem.messageKey]);

describe("normalizeRow: purchases", () => {
  it("normalizes a complete purchase", () => {
    const row = rowOf(
      normalizeRow(
        {
          customer_id: " C-17850 ",
          order_date: "2026-05-01T14:03:00Z",
          amount: "1.234,50",
          quantity: "3",
          unit_price: "411.50",
          order_id: 536365,
          currency: "try",
          status: " Returned ",
        },
        {},
        { line: 2 },
        MDY,
      ),
    );
    expect(row).toEqual({
      kind: "purchase",
      customerKey: "C-17850",
      orderDate: new Date("2026-05-01T14:03:00Z"),
      amount: 1234.5,
      orderId: "536365",
      quantity: 3,
      currency: "TRY",
      status: "Returned",
      extra: {},
    });
  });

  it("stores an integer customer id as its decimal string, and leaves optional fields null", () => {
    const row = rowOf(
      normalizeRow({ customer_id: 12345, order_date: "2026-05-01", amount: -12 }, {}, {}, MDY),
    );
    expect(row).toEqual({
      kind: "purchase",
      customerKey: "12345",
      orderDate: new Date("2026-05-01T00:00:00Z"),
      amount: -12,
      orderId: null,
      quantity: null,
      currency: null,
      status: null,
      extra: {},
    });
  });

  it("computes amount = quantity × unit_price, rounded to 1e-6, when amount is absent", () => {
    const amount = (values: Record<string, string | number>) =>
      rowOf(normalizeRow({ customer_id: "c1", order_date: "2026-05-01", ...values }, {}, {}, MDY));
    expect(amount({ quantity: "3", unit_price: "19.99" })).toMatchObject({ amount: 59.97, quantity: 3 });
    expect(amount({ quantity: 3, unit_price: 0.1 })).toMatchObject({ amount: 0.3 });
    expect(amount({ quantity: "-2", unit_price: "2,55" })).toMatchObject({ amount: -5.1 });
    expect(amount({ quantity: "1", unit_price: "0.0000004" })).toMatchObject({ amount: 0 });
    expect(amount({ amount: "", quantity: "2", unit_price: "5" })).toMatchObject({ amount: 10 });
    expect(amount({ amount: "7", quantity: "2", unit_price: "5" })).toMatchObject({ amount: 7 });
    expect(amount({ amount: "7", unit_price: "not read when amount is given" })).toMatchObject({ amount: 7 });
  });

  it("needs an amount, or both quantity and unit_price", () => {
    const problems = problemsOf(
      normalizeRow({ customer_id: "c1", order_date: "2026-05-01", quantity: "2" }, {}, { line: 7 }, MDY),
    );
    expect(problems).toEqual([
      {
        line: 7,
        field: "amount",
        rule: "required",
        messageKey: "ingest.amount_required",
        params: { field: "amount" },
      },
    ]);
  });

  it("collects every problem of a row, in field order", () => {
    const problems = problemsOf(
      normalizeRow(
        {
          customer_id: "  ",
          order_date: "2026-02-30",
          amount: "12,34,5",
          quantity: "two",
          order_id: "x".repeat(201),
          currency: "TL",
          status: "s".repeat(51),
        },
        {},
        { line: 42 },
        MDY,
      ),
    );
    expect(problems).toEqual([
      {
        line: 42,
        field: "customer_id",
        rule: "required",
        messageKey: "ingest.value_required",
        params: { field: "customer_id", kind: "purchase" },
      },
      {
        line: 42,
        field: "order_date",
        rule: "format",
        messageKey: "ingest.date_impossible",
        params: { field: "order_date", value: "2026-02-30" },
      },
      {
        line: 42,
        field: "quantity",
        rule: "type",
        messageKey: "ingest.number_invalid",
        params: { field: "quantity", value: "two" },
      },
      {
        line: 42,
        field: "amount",
        rule: "type",
        messageKey: "ingest.number_invalid",
        params: { field: "amount", value: "12,34,5" },
      },
      {
        line: 42,
        field: "order_id",
        rule: "maxLength",
        messageKey: "rule.maxLength",
        params: { field: "order_id", limit: 200 },
      },
      {
        line: 42,
        field: "currency",
        rule: "pattern",
        messageKey: "ingest.currency_invalid",
        params: { field: "currency", value: "TL" },
      },
      {
        line: 42,
        field: "status",
        rule: "maxLength",
        messageKey: "rule.maxLength",
        params: { field: "status", limit: 50 },
      },
    ]);
  });

  it("needs order_date, and says why a date is refused, with the value", () => {
    const dateProblem = (order_date: string) =>
      problemsOf(normalizeRow({ customer_id: "c1", order_date, amount: 1 }, {}, { index: 3 }, MDY));
    expect(dateProblem("")).toEqual([
      {
        index: 3,
        field: "order_date",
        rule: "required",
        messageKey: "ingest.value_required",
        params: { field: "order_date", kind: "purchase" },
      },
    ]);
    expect(dateProblem("01-05-2026")[0]).toMatchObject({
      rule: "format",
      messageKey: "ingest.date_invalid",
      params: { value: "01-05-2026" },
    });
    expect(dateProblem("1850-01-01")[0]).toMatchObject({
      rule: "format",
      messageKey: "ingest.date_out_of_range",
      params: { value: "1850-01-01", year: 1850 },
    });
  });

  it("limits customer_id to 200 characters", () => {
    const id = (customer_id: string) =>
      normalizeRow({ customer_id, order_date: "2026-05-01", amount: 1 }, {}, {}, MDY);
    expect(id("c".repeat(200)).ok).toBe(true);
    expect(problemsOf(id("c".repeat(201)))[0]).toMatchObject({ field: "customer_id", rule: "maxLength" });
  });

  it("reads dates in the order it is given", () => {
    const date = (dateOrder: "MDY" | "DMY") =>
      rowOf(normalizeRow({ customer_id: "c1", order_date: "3/4/2026", amount: 1 }, {}, {}, { dateOrder }));
    expect(date("MDY")).toMatchObject({ orderDate: new Date("2026-03-04T00:00:00Z") });
    expect(date("DMY")).toMatchObject({ orderDate: new Date("2026-04-03T00:00:00Z") });
  });

  it("marks returns by status, keeping the status as written", () => {
    for (const status of ["returned", "REFUNDED", "Return", "refund"])
      expect(isReturnStatus(status)).toBe(true);
    for (const status of [null, "completed", "returns pending"]) expect(isReturnStatus(status)).toBe(false);
  });
});

describe("normalizeRow: campaign exposures and types", () => {
  it("normalizes an exposure, type and group in any case", () => {
    const row = rowOf(
      normalizeRow(
        {
          customer_id: "c1",
          type: "Campaign_Exposure",
          campaign_id: " spring-26 ",
          group: "TREATMENT",
          exposed_at: "2026-05-01T09:00:00+03:00",
          amount: "ignored for exposures",
        },
        { channel: "email" },
        {},
        MDY,
      ),
    );
    expect(row).toEqual({
      kind: "campaign_exposure",
      customerKey: "c1",
      campaignId: "spring-26",
      group: "treatment",
      exposedAt: new Date("2026-05-01T06:00:00Z"),
      extra: { channel: "email" },
    });
  });

  it("needs campaign_id, group and exposed_at, all reported together", () => {
    const problems = problemsOf(
      normalizeRow({ customer_id: "c1", type: "campaign_exposure" }, {}, { index: 0 }, MDY),
    );
    expect(problems).toEqual(
      ["campaign_id", "group", "exposed_at"].map((field) => ({
        index: 0,
        field,
        rule: "required",
        messageKey: "ingest.value_required",
        params: { field, kind: "campaign_exposure" },
      })),
    );
  });

  it("allows only treatment and control groups", () => {
    const problems = problemsOf(
      normalizeRow(
        {
          customer_id: "c1",
          type: "campaign_exposure",
          campaign_id: "c",
          group: "holdout",
          exposed_at: "2026-05-01",
        },
        {},
        {},
        MDY,
      ),
    );
    expect(problems).toEqual([
      {
        field: "group",
        rule: "enum",
        messageKey: "ingest.value_not_allowed",
        params: { field: "group", value: "holdout", values: "treatment, control" },
      },
    ]);
  });

  it("refuses an unknown type, and still checks the customer id", () => {
    const problems = problemsOf(normalizeRow({ type: "refund", amount: "x" }, {}, {}, MDY));
    expect(brief(problems)).toEqual([
      ["customer_id", "ingest.value_required"],
      ["type", "ingest.value_not_allowed"],
    ]);
    expect(problems[1]?.params).toEqual({
      field: "type",
      value: "refund",
      values: "purchase, campaign_exposure",
    });
  });

  it("treats an empty type as a purchase", () => {
    const row = rowOf(
      normalizeRow({ customer_id: "c1", type: " ", order_date: "2026-05-01", amount: "1" }, {}, {}, MDY),
    );
    expect(row.kind).toBe("purchase");
  });
});

describe("normalizeRow: extra features", () => {
  it("keeps non-empty values; text stays text, JSON numbers and booleans stay typed", () => {
    const row = rowOf(
      normalizeRow(
        { customer_id: "c1", order_date: "2026-05-01", amount: "1" },
        {
          country: " TR ",
          age: "42",
          zip: "00501",
          note: "",
          blank: "   ",
          vip: true,
          visits: 3,
          gone: null,
        },
        {},
        MDY,
      ),
    );
    expect(row.extra).toEqual({ country: "TR", age: "42", zip: "00501", vip: true, visits: 3 });
  });

  it("keeps a column named __proto__ as an ordinary feature", () => {
    const extra = JSON.parse('{"__proto__": "x", "country": "TR"}') as Record<string, string>;
    const row = rowOf(
      normalizeRow({ customer_id: "c1", order_date: "2026-05-01", amount: "1" }, extra, {}, MDY),
    );
    expect(Object.keys(row.extra)).toEqual(["__proto__", "country"]);
    expect(Object.getPrototypeOf(row.extra)).toBe(Object.prototype);
  });
});

describe("normalizeRecord and normalizeLine", () => {
  it("splits an API record into fields and extra features", () => {
    const row = rowOf(
      normalizeRecord(
        {
          customer_id: 42,
          order_date: "2026-05-01",
          amount: 10,
          " country ": "TR",
          tags: ["a", "b"],
          address: { city: "Izmir" },
          vip: false,
          "": "ignored",
          missing: null,
        },
        0,
        { dateOrder: "YMD" },
      ),
    );
    expect(row).toMatchObject({
      customerKey: "42",
      extra: { country: "TR", tags: '["a","b"]', address: '{"city":"Izmir"}', vip: false },
    });
    expect(Object.keys(row.extra)).toHaveLength(4);
  });

  it("gives an API record's problems its index", () => {
    const problems = problemsOf(
      normalizeRecord({ customer_id: "c1", amount: true }, 5, { dateOrder: "YMD" }),
    );
    expect(problems.map((problem) => [problem.index, problem.field, problem.messageKey])).toEqual([
      [5, "order_date", "ingest.value_required"],
      [5, "amount", "ingest.number_invalid"],
    ]);
  });

  it("reads a spreadsheet's 17850.0 as the customer 17850 the API sends, on every path and for every id", () => {
    const resolved = resolveColumns(["customer_id", "date", "amount", "order_id"]);
    if (!resolved.ok) throw new Error("header should resolve");
    const fromFile = rowOf(
      normalizeLine(resolved.mapping, { line: 2, values: ["17850.0", "2026-05-01", "5", "536365.00"] }, MDY),
    );
    const fromApi = rowOf(
      normalizeRecord({ customer_id: 17850, order_date: "2026-05-01", amount: 5 }, 0, MDY),
    );
    const fromApiText = rowOf(
      normalizeRecord(
        { customer_id: "17850.0", order_date: "2026-05-01", amount: 5, order_id: 536365 },
        0,
        MDY,
      ),
    );
    expect([fromFile, fromApi, fromApiText].map((row) => row.customerKey)).toEqual([
      "17850",
      "17850",
      "17850",
    ]);
    expect(fromFile).toMatchObject({ orderId: "536365" });
    expect(fromApiText).toMatchObject({ orderId: "536365" });
    const exposure = rowOf(
      normalizeRecord(
        {
          type: "campaign_exposure",
          customer_id: "-3.000",
          campaign_id: "7.0",
          group: "control",
          exposed_at: "2026-05-01",
        },
        0,
        MDY,
      ),
    );
    expect(exposure).toMatchObject({ customerKey: "-3", campaignId: "7" });
    // Anything else is an id as written.
    for (const id of ["17850.5", "007", "A-17850.0", "17850.", "1e4", "17850.0 x"]) {
      expect(
        rowOf(normalizeRecord({ customer_id: id, order_date: "2026-05-01", amount: 5 }, 0, MDY)).customerKey,
      ).toBe(id);
    }
  });

  it("checks a file line against the header's width before normalizing it", () => {
    const resolved = resolveColumns(["customer_id", "date", "amount", "country"]);
    if (!resolved.ok) throw new Error("header should resolve");
    const mapping: ColumnMapping = resolved.mapping;
    expect(
      rowOf(normalizeLine(mapping, { line: 2, values: ["c1", "2026-05-01", "5", "TR"] }, MDY)),
    ).toMatchObject({
      customerKey: "c1",
      amount: 5,
      extra: { country: "TR" },
    });
    expect(problemsOf(normalizeLine(mapping, { line: 3, values: ["c1", "2026-05-01", "5"] }, MDY))).toEqual([
      {
        line: 3,
        field: "columns",
        rule: "column_count",
        messageKey: "ingest.column_count",
        params: { found: 3, expected: 4 },
      },
    ]);
  });
});

describe("problems", () => {
  it("become API error details; a file problem's field names its line", () => {
    const [problem] = problemsOf(
      normalizeRow({ customer_id: "c1", order_date: "2026-05-01" }, {}, { line: 42 }, MDY),
    );
    expect(toPendingDetail(problem!)).toEqual({
      location: "body",
      field: "line 42: amount",
      rule: "required",
      messageKey: "ingest.amount_required",
      params: { field: "amount" },
    });
    const [recordProblem] = problemsOf(normalizeRecord({ order_date: "2026-05-01", amount: 1 }, 3, MDY));
    expect(toPendingDetail(recordProblem!)).toMatchObject({ field: "customer_id", index: 3 });
  });

  it("cut long values short in messages", () => {
    const [problem] = problemsOf(
      normalizeRow({ customer_id: "c1", order_date: "x".repeat(500), amount: 1 }, {}, {}, MDY),
    );
    expect(String(problem?.params.value)).toHaveLength(101);
  });

  it("render fully in every language: each message gets all its placeholders", () => {
    const problems = [
      ...problemsOf(
        normalizeRow(
          {
            customer_id: "c".repeat(201),
            order_date: "2026-02-30",
            amount: "x",
            currency: "TL",
            type: "purchase",
          },
          {},
          { line: 2 },
          MDY,
        ),
      ),
      ...problemsOf(normalizeRow({ order_date: "1850-01-01", quantity: "1" }, {}, {}, MDY)),
      ...problemsOf(normalizeRow({ customer_id: "c", order_date: "soon", type: "x" }, {}, {}, MDY)),
      ...problemsOf(normalizeRow({ customer_id: "c", type: "campaign_exposure", group: "g" }, {}, {}, MDY)),
      ...problemsOf(
        normalizeLine({ ...mappingFor(["customer_id", "date", "amount"]) }, { line: 9, values: [] }, MDY),
      ),
      ...problemsOf(resolveColumnsFailing(["a", "a"], { colour: "x", customer_id: "nope" })),
      ...problemsOf(resolveColumnsFailing(["customer_id"], {})),
    ];
    expect(new Set(problems.map((problem) => problem.messageKey)).size).toBeGreaterThanOrEqual(14);
    for (const problem of problems) {
      for (const locale of ["en", "tr"] as const) {
        const message = translate(locale, problem.messageKey, problem.params);
        expect(message, `${locale} ${problem.messageKey}`).not.toMatch(/\{\w+\}/);
      }
    }
  });
});

describe("the CDNOW sample (YYYYMMDD dates)", () => {
  // Whitespace-separated, no header: master customer id, sample id, date (YYYYMMDD), number of CDs, dollar value.
  const text = readFileSync(new URL("../fixtures/cdnow/CDNOW_sample.txt", import.meta.url), "utf8");
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const mapping = mappingFor(["customer_id", "sample_id", "date", "number_of_cds", "dollar_value"]);
  const rows = lines.map((line, i) => {
    const values = line.trim().split(/\s+/);
    return rowOf(normalizeLine(mapping, { line: i + 1, values }, { dateOrder: "YMD" }));
  });

  it("reads the first lines", () => {
    expect(rows.slice(0, 3)).toEqual([
      purchase("00004", "1997-01-01", 29.33, { sample_id: "0001", number_of_cds: "2" }),
      purchase("00004", "1997-01-18", 29.73, { sample_id: "0001", number_of_cds: "2" }),
      purchase("00004", "1997-08-02", 14.96, { sample_id: "0001", number_of_cds: "1" }),
    ]);
  });

  it("reads every line, matching the published shape (SOURCES.md)", () => {
    expect(rows).toHaveLength(6919);
    expect(new Set(rows.map((row) => row.customerKey)).size).toBe(2357);
    const total = rows.reduce((sum, row) => sum + (row.kind === "purchase" ? row.amount : 0), 0);
    expect(total).toBeCloseTo(244_091.94, 2);
    const days = rows.map((row) => (row.kind === "purchase" ? row.orderDate.toISOString().slice(0, 10) : ""));
    expect([...days].sort()[0]).toBe("1997-01-01");
    expect([...days].sort().at(-1)).toBe("1998-06-30");
  });
});

function purchase(
  customerKey: string,
  day: string,
  amount: number,
  extra: Record<string, string>,
): NormalizedRow {
  return {
    kind: "purchase",
    customerKey,
    orderDate: new Date(`${day}T00:00:00Z`),
    amount,
    orderId: null,
    quantity: null,
    currency: null,
    status: null,
    extra,
  };
}

function mappingFor(headers: string[]): ColumnMapping {
  const resolved = resolveColumns(headers);
  if (!resolved.ok) throw new Error(`header should resolve: ${JSON.stringify(resolved.problems)}`);
  return resolved.mapping;
}

function resolveColumnsFailing(headers: string[], explicit: Record<string, string>): RowResult {
  const resolved = resolveColumns(headers, explicit);
  if (resolved.ok) throw new Error("header should not resolve");
  return { ok: false, problems: resolved.problems };
}
