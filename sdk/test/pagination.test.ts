import { describe, expect, it } from "vitest";
import { filter } from "../src/index.js";
import { fakeClient, json } from "./helpers.js";

/** A server of `total` customers, `limit` per page, that records each query. */
function customersServer(total: number) {
  return fakeClient((request) => {
    const query = new URL(request.url).searchParams;
    const limit = Number(query.get("limit") ?? 50);
    const page = Number(query.get("page") ?? 1);
    const ids = Array.from({ length: total }, (_, i) => `c${i + 1}`).slice((page - 1) * limit, page * limit);
    const customers = ids.map((id) => ({ id, customer_id: id }));
    return json(200, { customers, total, page, pages: Math.ceil(total / limit) });
  });
}

const queries = (requests: Request[]) => requests.map((r) => Object.fromEntries(new URL(r.url).searchParams));

describe("paged lists", () => {
  const filters = [
    filter.field("rfm_monetary").range(1000, 50000),
    filter.any(
      filter.field("churn_risk").eq("high"),
      filter.field("extra_features.country").in(["TR", "DE"]),
    ),
  ];

  it("awaits to the first page", async () => {
    const { client, requests } = customersServer(5);
    const page = await client.customers.list("p1", { limit: 2 });
    expect(page).toMatchObject({ total: 5, page: 1, pages: 3 });
    expect(page.customers.map((c) => c.id)).toEqual(["c1", "c2"]);
    expect(requests).toHaveLength(1);
  });

  it("iterates every item of every page, keeping the filters and sorting on each", async () => {
    const { client, requests } = customersServer(5);
    const ids: string[] = [];
    for await (const customer of client.customers.list("p1", {
      limit: 2,
      filters,
      churn_risk: "high",
      sort_by: "churn_score",
    })) {
      ids.push(customer.id);
    }
    expect(ids).toEqual(["c1", "c2", "c3", "c4", "c5"]);
    const expected = {
      limit: "2",
      churn_risk: "high",
      sort_by: "churn_score",
      filters: JSON.stringify(filters),
    };
    expect(queries(requests)).toEqual([1, 2, 3].map((page) => ({ ...expected, page: String(page) })));
  });

  it("collects with toArray({ limit }) and fetches only the pages needed", async () => {
    const { client, requests } = customersServer(10);
    const customers = await client.customers.list("p1", { limit: 3 }).toArray({ limit: 4 });
    expect(customers.map((c) => c.id)).toEqual(["c1", "c2", "c3", "c4"]);
    expect(requests).toHaveLength(2);
    expect(await client.customers.list("p1", { limit: 3 }).toArray()).toHaveLength(10);
  });

  it("starts at the page asked for and reuses the awaited first page", async () => {
    const { client, requests } = customersServer(5);
    const list = client.customers.list("p1", { limit: 2, page: 2 });
    expect((await list).page).toBe(2);
    expect((await list.toArray()).map((c) => c.id)).toEqual(["c3", "c4", "c5"]);
    expect(queries(requests).map((q) => q.page)).toEqual(["2", "3"]);
  });

  it("is a real Promise whose pages move on with hasNextPage, getNextPage and iterPages", async () => {
    const { client, requests } = customersServer(5);
    const list = client.customers.list("p1", { limit: 2, churn_risk: "high" });
    expect(list).toBeInstanceOf(Promise);
    const first = await list;
    expect(first.hasNextPage()).toBe(true);
    expect(Object.keys(first)).toEqual(["customers", "total", "page", "pages"]);
    const second = await first.getNextPage();
    expect(second.customers.map((c) => c.id)).toEqual(["c3", "c4"]);
    const pages: number[] = [];
    for await (const page of client.customers.list("p1", { limit: 2 }).iterPages()) pages.push(page.page);
    expect(pages).toEqual([1, 2, 3]);
    const last = await second.getNextPage();
    expect(last.hasNextPage()).toBe(false);
    expect(() => last.getNextPage()).toThrow(/last page: check hasNextPage/);
    expect(queries(requests).slice(0, 2)).toEqual([
      { limit: "2", churn_risk: "high", page: "1" },
      { limit: "2", churn_risk: "high", page: "2" },
    ]);
  });

  it("stops at an empty page", async () => {
    const { client, requests } = fakeClient(() => json(200, { files: [], total: 0, page: 1, pages: 0 }));
    expect(await client.files.list("p1").toArray()).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it("pages files and deliveries the same way", async () => {
    const { client, requests } = fakeClient((request) => {
      const page = Number(new URL(request.url).searchParams.get("page"));
      return json(200, { deliveries: [{ id: `d${page}` }], total: 2, page, pages: 2 });
    });
    const deliveries = await client.automations.deliveries("a1", { status: "failed", limit: 1 }).toArray();
    expect(deliveries.map((d) => d.id)).toEqual(["d1", "d2"]);
    expect(queries(requests)).toEqual([
      { status: "failed", limit: "1", page: "1" },
      { status: "failed", limit: "1", page: "2" },
    ]);
  });
});

describe("filter builder", () => {
  it("builds the contract's conditions and groups", () => {
    expect([
      filter.field("rfm_monetary").range(1000, 50000),
      filter.field("rfm_monetary").range(undefined, 10),
      filter.field("churn_risk").in(["low", "medium"]),
      filter.field("abc_category").nin(["C"]),
      filter.field("rfm_frequency").gte(3),
      filter.field("last_transaction_at").lt("2026-01-01"),
      filter.field("segment_label").neq("Lost"),
      filter.field("customer_id").contains("vip"),
      filter.field("predicted_clv").exists(),
      filter.field("extra_features.newsletter").eq(true),
      filter.all(filter.field("rfm_r_score").gt(3), filter.field("rfm_m_score").lte(5)),
    ]).toEqual([
      { field: "rfm_monetary", op: "range", min: 1000, max: 50000 },
      { field: "rfm_monetary", op: "range", max: 10 },
      { field: "churn_risk", op: "in", values: ["low", "medium"] },
      { field: "abc_category", op: "nin", values: ["C"] },
      { field: "rfm_frequency", op: "gte", value: 3 },
      { field: "last_transaction_at", op: "lt", value: "2026-01-01" },
      { field: "segment_label", op: "neq", value: "Lost" },
      { field: "customer_id", op: "contains", value: "vip" },
      { field: "predicted_clv", op: "exists", value: true },
      { field: "extra_features.newsletter", op: "eq", value: true },
      {
        all: [
          { field: "rfm_r_score", op: "gt", value: 3 },
          { field: "rfm_m_score", op: "lte", value: 5 },
        ],
      },
    ]);
  });

  it("sends a single node as a one-element document, and a string as it is", async () => {
    const { client, requests } = fakeClient(() => json(200, { customers: [], total: 0, page: 1, pages: 0 }));
    await client.customers.list("p1", { filters: filter.field("churn_risk").eq("high") });
    await client.customers.list("p1", { filters: '[{"field":"abc_category","op":"eq","value":"A"}]' });
    expect(queries(requests).map((q) => q.filters)).toEqual([
      '[{"field":"churn_risk","op":"eq","value":"high"}]',
      '[{"field":"abc_category","op":"eq","value":"A"}]',
    ]);
  });

  it("types values by field", () => {
    // @ts-expect-error rfm_monetary is a number
    filter.field("rfm_monetary").eq("a lot");
    // @ts-expect-error churn_risk is low, medium or high
    filter.field("churn_risk").eq("severe");
    // @ts-expect-error no such customer field
    filter.field("favourite_colour");
  });
});
