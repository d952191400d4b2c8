import { type Condition, findCustomer, pageOfCustomers, similarCustomers } from "../../db/customers.js";
import { findSegment, findSegmentByName } from "../../db/segments.js";
import { presentCustomer } from "../../domain/customers/customer-view.js";
import { requestCustomerErasure } from "../../domain/customers/erase-customer.js";
import { filtersToSql, parseFilters } from "../../domain/customers/filter-language.js";
import { cursorError, decodeListCursor, encodeListCursor } from "../../domain/customers/list-cursor.js";
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
  const order = { column: query.sort_by ?? "rfm_monetary", direction: query.sort_dir ?? "desc" } as const;
  if (query.starting_after !== undefined && page > 1)
    throw cursorError(
      "page and starting_after were both given; use page for numbered pages or starting_after alone",
    );
  const after =
    query.starting_after === undefined ? undefined : decodeListCursor(query.starting_after, order);
  const { rows, total, estimated, hasMore } = await pageOfCustomers(
    db,
    project.id,
    conditions,
    order,
    after ? { limit, after } : { limit, offset: (page - 1) * limit },
    { exactTotal: query.total_exact },
  );
  const last = rows.at(-1);
  return {
    status: 200,
    body: {
      customers: rows.map(presentCustomer),
      total,
      total_estimated: estimated,
      page: after ? null : page,
      pages: Math.ceil(total / limit),
      has_more: hasMore,
      next_cursor: hasMore && last ? encodeListCursor(order, { value: last.sort_value, id: last.id }) : null,
    },
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

export const eraseCustomer = defineOperation("eraseCustomer", async ({ app, principal, params, query }) => {
  const access = await requireProject(app.db.knex, principal, params.projectId);
  const jobId = await requestCustomerErasure(
    { db: app.db.knex, jobs: app.jobs },
    principal,
    access,
    params.customerId,
    query.suppress ?? false,
  );
  return { status: 202, body: { job_id: jobId, status: "queued" as const } };
});
