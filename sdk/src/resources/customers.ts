import type { RequestOptions } from "../client.js";
import { encodeFilters, type FilterDocument, type FilterNode } from "../core/filters.js";
import { PagePromise } from "../core/pagination.js";
import { APIResource } from "../internal/resource.js";
import type { Query, Schema } from "../types.js";

export type CustomerListQuery = Omit<Query<"listCustomers">, "filters"> & {
  /** Built with `filter` (a document or one node), or an already JSON-encoded string. */
  filters?: FilterDocument | FilterNode | string;
};

export class Customers extends APIResource {
  /**
   * A page of customers; `for await` over it for all of them, page after page by cursor (`next_cursor`), so
   * re-scoring between pages neither repeats nor skips anyone. Shortcut filters, `filters` and the sort are
   * kept on every page.
   */
  list(
    projectId: string,
    { filters, ...query }: CustomerListQuery = {},
    options?: RequestOptions,
  ): PagePromise<Schema<"CustomerList">, Schema<"Customer">> {
    const encoded = encodeFilters(filters);
    const fetch = (page: Query<"listCustomers">) =>
      this.client.request(
        "get",
        "/api/engine/projects/{projectId}/customers",
        {
          params: { path: { projectId }, query: { ...query, ...page, ...(encoded && { filters: encoded }) } },
        },
        options,
      );
    return new PagePromise(
      (page) => fetch(query.starting_after === undefined ? { page } : {}),
      (page) => page.customers,
      query.page,
      (page) =>
        page.next_cursor === null ? undefined : fetch({ page: undefined, starting_after: page.next_cursor }),
    );
  }

  /** The nearest customers by embedding, most similar first (`customerId` is the profile id, `Customer.id`). */
  similar(
    customerId: string,
    query: Query<"listSimilarCustomers"> = {},
    options?: RequestOptions,
  ): Promise<Schema<"SimilarCustomers">> {
    const init = { params: { path: { customerId }, query } };
    return this.client.request("get", "/api/engine/customers/{customerId}/similar", init, options);
  }
}
