import { describe, expect, it } from "vitest";
import {
  applyMapping,
  type ColumnMapping,
  type ColumnResolution,
  comparableName,
  HEADER_SYNONYMS,
  resolveColumns,
} from "../../src/ingest/columns.js";
import { CANONICAL_FIELDS, type CanonicalField } from "../../src/ingest/fields.js";

function mapped(resolution: ColumnResolution): ColumnMapping {
  if (!resolution.ok) throw new Error(`unexpected problems: ${JSON.stringify(resolution.problems)}`);
  return resolution.mapping;
}

function problemsOf(resolution: ColumnResolution) {
  if (resolution.ok) throw new Error("expected problems");
  return resolution.problems;
}

/** A header that resolves, with `name` standing for `field` in the first column. */
function headersWith(field: CanonicalField, name: string): string[] {
  const base: Partial<Record<CanonicalField, string>> = {
    customer_id: "customer_id",
    order_date: "order_date",
    amount: "amount",
  };
  delete base[field];
  return [name, ...Object.values(base)];
}

describe("resolveColumns: header auto-detection", () => {
  for (const field of CANONICAL_FIELDS) {
    it(`recognises every name of ${field}`, () => {
      for (const synonym of HEADER_SYNONYMS[field]) {
        const mapping = mapped(resolveColumns(headersWith(field, synonym)));
        expect(mapping[field], synonym).toBe(0);
      }
    });
  }

  it("ignores case, spaces, underscores and dashes", () => {
    const variants: [CanonicalField, string][] = [
      ["customer_id", "CustomerID"],
      ["customer_id", " Customer ID "],
      ["customer_id", "CUSTOMER-ID"],
      ["order_date", "InvoiceDate"],
      ["order_date", "order date"],
      ["order_date", "Purchase-Date"],
      ["order_id", "InvoiceNo"],
      ["order_id", "Order Number"],
      ["unit_price", "UnitPrice"],
      ["unit_price", "Unit Price"],
      ["quantity", "Quantity"],
      ["amount", "Order_Total"],
      ["exposed_at", "Exposed At"],
    ];
    for (const [field, header] of variants) {
      expect(mapped(resolveColumns(headersWith(field, header)))[field], header).toBe(0);
    }
  });

  it("never lists a name under two fields", () => {
    const owners = new Map<string, CanonicalField>();
    for (const field of CANONICAL_FIELDS) {
      for (const synonym of HEADER_SYNONYMS[field]) {
        const name = comparableName(synonym);
        expect(owners.get(name), `${synonym} is under ${owners.get(name)} and ${field}`).toBeUndefined();
        owners.set(name, field);
      }
    }
  });

  it("maps the Online Retail export, computing amount from quantity × unit price", () => {
    const headers = [
      "InvoiceNo",
      "StockCode",
      "Description",
      "Quantity",
      "InvoiceDate",
      "UnitPrice",
      "CustomerID",
      "Country",
    ];
    const mapping = mapped(resolveColumns(headers));
    expect(mapping).toMatchObject({
      order_id: 0,
      quantity: 3,
      order_date: 4,
      unit_price: 5,
      customer_id: 6,
      amount: undefined,
      columnCount: 8,
    });
    expect(mapping.extra).toEqual([
      { name: "StockCode", index: 1 },
      { name: "Description", index: 2 },
      { name: "Country", index: 7 },
    ]);
  });

  it("prefers the name listed first when several columns could be the field", () => {
    const mapping = mapped(resolveColumns(["customer", "date", "Order Date", "total", "amount"]));
    expect(mapping.order_date).toBe(2);
    expect(mapping.amount).toBe(4);
    expect(mapping.extra.map((column) => column.name)).toEqual(["date", "total"]);
  });

  it("keeps extra columns by their trimmed header and ignores blank headers", () => {
    const mapping = mapped(resolveColumns(["customer_id", " country ", "", "date", "amount", "  "]));
    expect(mapping.extra).toEqual([{ name: "country", index: 1 }]);
    expect(mapping.columnCount).toBe(6);
  });

  it("accepts a file of campaign exposures only: a type column instead of dates and amounts", () => {
    const mapping = mapped(resolveColumns(["customer_id", "type", "campaign_id", "group", "exposed_at"]));
    expect(mapping).toMatchObject({ type: 1, campaign_id: 2, group: 3, exposed_at: 4, amount: undefined });
  });
});

describe("resolveColumns: problems", () => {
  it("needs a customer id column, naming the names it looked for and the file's columns", () => {
    const problems = problemsOf(resolveColumns(["date", "amount", "country"]));
    expect(problems).toEqual([
      {
        field: "customer_id",
        rule: "required_column",
        messageKey: "ingest.column_missing",
        params: {
          field: "customer_id",
          available: '"date", "amount", "country"',
          synonyms: HEADER_SYNONYMS.customer_id.join(", "),
        },
      },
    ]);
  });

  it("needs an amount, or quantity and unit price, unless there is a type column", () => {
    const problems = problemsOf(resolveColumns(["customer_id", "date", "quantity"]));
    expect(problems).toEqual([
      {
        field: "amount",
        rule: "required_column",
        messageKey: "ingest.amount_column_missing",
        params: { field: "amount", available: '"customer_id", "date", "quantity"' },
      },
    ]);
    expect(resolveColumns(["customer_id", "date", "quantity", "type"]).ok).toBe(true);
  });

  it("needs an order date unless there is a type column", () => {
    const problems = problemsOf(resolveColumns(["customer_id", "amount"]));
    expect(problems.map((problem) => [problem.field, problem.messageKey])).toEqual([
      ["order_date", "ingest.column_missing"],
    ]);
  });

  it("refuses a header used twice, naming both column numbers", () => {
    const problems = problemsOf(resolveColumns(["customer_id", "date", "amount", "country", "country"]));
    expect(problems).toEqual([
      {
        field: "country",
        rule: "duplicate_column",
        messageKey: "ingest.duplicate_column",
        params: { column: "country", first: 4, second: 5 },
      },
    ]);
  });

  it("reports every problem of a header at once", () => {
    const problems = problemsOf(resolveColumns(["x", "x", "y"], { colour: "y" }));
    expect(problems.map((problem) => problem.rule)).toEqual([
      "duplicate_column",
      "unknown_field",
      "required_column",
      "required_column",
      "required_column",
    ]);
  });
});

describe("resolveColumns: an explicit mapping", () => {
  it("wins over detection, and detection still fills the other fields", () => {
    const mapping = mapped(
      resolveColumns(["CustomerID", "client", "InvoiceDate", "Total"], { customer_id: "client" }),
    );
    expect(mapping).toMatchObject({ customer_id: 1, order_date: 2, amount: 3 });
    expect(mapping.extra).toEqual([{ name: "CustomerID", index: 0 }]);
  });

  it("matches header names exactly, else ignoring case, spaces, underscores and dashes", () => {
    const mapping = mapped(
      resolveColumns(["Customer_ID", "Day", "Total Paid"], {
        customer_id: "customer id",
        order_date: "Day",
        amount: "total-paid",
      }),
    );
    expect(mapping).toMatchObject({ customer_id: 0, order_date: 1, amount: 2 });
  });

  it("takes a column away from detection", () => {
    const mapping = mapped(resolveColumns(["customer_id", "date", "price", "amount"], { amount: "price" }));
    expect(mapping).toMatchObject({ amount: 2, unit_price: undefined });
    expect(mapping.extra).toEqual([{ name: "amount", index: 3 }]);
  });

  it('keeps a column an extra feature when its field is mapped to ""', () => {
    const mapping = mapped(resolveColumns(["customer_id", "date", "amount", "Type"], { type: "" }));
    expect(mapping.type).toBeUndefined();
    expect(mapping.extra).toEqual([{ name: "Type", index: 3 }]);
  });

  it("must name a column that exists", () => {
    const problems = problemsOf(
      resolveColumns(["CustomerID", "InvoiceDate", "Total"], { customer_id: "Customer Number" }),
    );
    expect(problems).toEqual([
      {
        field: "customer_id",
        rule: "column_not_found",
        messageKey: "ingest.mapping_column_missing",
        params: {
          field: "customer_id",
          column: "Customer Number",
          available: '"CustomerID", "InvoiceDate", "Total"',
        },
      },
    ]);
  });

  it("must use our field names", () => {
    const problems = problemsOf(resolveColumns(["customer_id", "date", "amount"], { client: "customer_id" }));
    expect(problems).toEqual([
      {
        field: "client",
        rule: "unknown_field",
        messageKey: "ingest.mapping_unknown_field",
        params: { field: "client", fields: CANONICAL_FIELDS.join(", ") },
      },
    ]);
  });
});

describe("applyMapping", () => {
  it("splits a row into our fields and the extra features", () => {
    const mapping = mapped(resolveColumns(["InvoiceNo", "Country", "CustomerID", "InvoiceDate", "Total"]));
    expect(applyMapping(mapping, ["536365", "United Kingdom", "17850", "12/1/2010 8:26", "15.30"])).toEqual({
      values: { order_id: "536365", customer_id: "17850", order_date: "12/1/2010 8:26", amount: "15.30" },
      extra: { Country: "United Kingdom" },
    });
  });
});
