import { type Condition, findCustomer, pageOfCustomers, similarCustomers } from "../../db/customers.js";
import { findSegment, findSegmentByName } from "../../db/segments.js";
import { presentCustomer } from "../../domain/customers/customer-view.js";
import { filtersToSql, parseFilters } from "../../domain/customers/filter-language.js";
import { notFound } from "../../domain/errors.js";
import { requireProject, requireProjectOf } from "../../domain/organizations/access.js";
import { membershipCondition } from "../../domain/segments/membership.js";
import { defineOperation } from "../../http/operation.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const listCustomers = defineOperation("listCustomers", async ({ app, principal, params, query }) => {
  const db = app.db.knex;
  const { project } = await requireProject(db, principal, params.projectId);
  const conditions: Condition[] = [];
  // The router has parsed `filters` (JSON content in the spec) and checked it against FilterDocument; the
  // generated type still says string, the form it travels in.
  const filters: unknown = query.filters;
  if (filters !== undefined) conditions.push(filtersToSql(parseFilters(filters)));
  if (query.churn_risk) conditions.push({ sql: "churn_risk = ?", bindings: [query.churn_risk] });
  if (query.abc_category) conditions.push({ sql: "abc_category = ?", bindings: [query.abc_category] });
  if (query.rfm_segment) conditions.push({ sql: "rfm_segment = ?", bindings: [query.rfm_segment] });
  if (query.segment) {
    // A segment by id or by name; an unknown one is a 404 (not an empty list), so typos show.
    const segment = UUID.test(query.segment)
      ? await findSegment(db, query.segment)
      : await findSegmentByName(db, project.id, query.segment);
    if (!segment || segment.project_id !== project.id) throw notFound("Segment", query.segment);
    conditions.push(membershipCondition(segment));
  }
  const limit = query.limit ?? 50;
  const page = query.page ?? 1;
  const { rows, total } = await pageOfCustomers(
    db,
    project.id,
    conditions,
    { column: query.sort_by ?? "rfm_monetary", direction: query.sort_dir ?? "desc" },
    { limit, offset: (page - 1) * limit },
  );
  return {
    status: 200,
    body: { customers: rows.map(presentCustomer), total, page, pages: Math.ceil(total / limit) },
  };
});

export const listSimilarCustomers = defineOperation(
  "listSimilarCustomers",
  async ({ app, principal, params, query }) => {
    const db = app.db.knex;
    const customer = await findCustomer(db, params.customerId);
    if (!customer) throw notFound("Customer", params.customerId);
    await requireProjectOf(db, principal, customer.project_id, "Customer", params.customerId);
    const nearest = await similarCustomers(db, customer.project_id, customer.id, query.limit ?? 10);
    return {
      status: 200,
      body: {
        customer_id: customer.id,
        similar: nearest.map((n) => ({
          customer: presentCustomer(n),
          similarity: Math.min(1, Math.max(0, n.similarity)),
        })),
      },
    };
  },
);
