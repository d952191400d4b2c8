import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { encodeFilters, type FilterDocument, type FilterNode } from "../core/filters.js";
import { nextPageNumber, PagePromise } from "../core/pagination.js";
import { APIResource } from "../internal/resource.js";
import type { Query, Schema } from "../types.js";

export type CustomerListQuery = Omit<Query<"listCustomers">, "filters"> & {
  /** Built with `filter` (a document or one node), or an already JSON-encoded string. */
  filters?: FilterDocument | FilterNode | string;
};

export class Customers extends APIResource {
  /**
   * A page of customers; `for await` over it for all of them. Shortcut filters and `filters` are ANDed and
   * kept on every page.
   */
  list(
    projectId: string,
    { filters, ...query }: CustomerListQuery = {},
    options?: RequestOptions,
  ): PagePromise<Schema<"CustomerList">, Schema<"Customer">> {
    const encoded = encodeFilters(filters);
    return new PagePromise(
      (page) =>
        this.client.request(
          "get",
          "/api/engine/projects/{projectId}/customers",
          {
            params: { path: { projectId }, query: { ...query, page, ...(encoded && { filters: encoded }) } },
          },
          options,
        ),
      (page) => page.customers,
      query.page ?? 1,
      nextPageNumber,
    );
  }

  /** The nearest customers by embedding, most similar first (`customerId` is the profile id, `Customer.id`). */
  similar(
    customerId: string,
    query: Query<"listSimilarCustomers"> = {},
    options?: RequestOptions,
  ): APIPromise<Schema<"SimilarCustomers">> {
    const init = { params: { path: { customerId }, query } };
    return this.client.request("get", "/api/engine/customers/{customerId}/similar", init, options);
  }
}
