import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { encodeFilters, type FilterDocument, type FilterNode } from "../core/filters.js";
import { PagePromise } from "../core/pagination.js";
import { APIResource } from "../internal/resource.js";
import type { Query, Schema } from "../types.js";

export type CustomerListQuery = Omit<Query<"listCustomers">, "filters"> & {
  /** Built with `filter` (a document or one node), or an already JSON-encoded string. */
  filters?: FilterDocument | FilterNode | string;
};

/** Where a customers page starts: a page number (the first page) or the cursor of the page before it. */
export type CustomerListPosition = { page?: number; starting_after?: string };

export class Customers extends APIResource {
  /**
   * A page of customers; `for await` over it for all of them. Shortcut filters and `filters` are ANDed and
   * kept on every page.
   */
  list(
    projectId: string,
    { filters, ...query }: CustomerListQuery = {},
    options?: RequestOptions,
  ): PagePromise<Schema<"CustomerList">, Schema<"Customer">, CustomerListPosition> {
    const encoded = encodeFilters(filters);
    // The first page by number (or after a given cursor); every next one by the cursor the last page names,
    // so pages stay stable while re-scoring moves customers between them.
    return new PagePromise<Schema<"CustomerList">, Schema<"Customer">, CustomerListPosition>(
      (position) =>
        this.client.request(
          "get",
          "/api/engine/projects/{projectId}/customers",
          {
            params: {
              path: { projectId },
              query: { ...query, ...position, ...(encoded && { filters: encoded }) },
            },
          },
          options,
        ),
      (page) => page.customers,
      query.starting_after === undefined
        ? { page: query.page ?? 1 }
        : { starting_after: query.starting_after },
      (page) =>
        page.next_cursor === null ? undefined : { page: undefined, starting_after: page.next_cursor },
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

  /**
   * Erases a customer for a privacy request (by `Customer.id` or the ingested `customer_id`): a job removes the
   * profile, transactions, exposures, memberships, embedding and deliveries; follow it with `jobs.wait`.
   * `suppress: true` drops later ingests of the same `customer_id`.
   */
  erase(
    projectId: string,
    customerId: string,
    query: Query<"eraseCustomer"> = {},
    options?: RequestOptions,
  ): Promise<Schema<"CustomerErasureQueued">> {
    const init = { params: { path: { projectId, customerId }, query } };
    return this.client.request(
      "delete",
      "/api/engine/projects/{projectId}/customers/{customerId}",
      init,
      options,
    );
  }
}
