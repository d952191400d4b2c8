import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { nextPageNumber, PagePromise } from "../core/pagination.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Query, Schema } from "../types.js";

export class Automations extends APIResource {
  list(projectId: string, options?: RequestOptions): APIPromise<Schema<"AutomationList">> {
    const init = { params: { path: { projectId } } };
    return this.client.request("get", "/api/projects/{projectId}/automations", init, options);
  }

  create(
    projectId: string,
    body: Input<"AutomationCreate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Automation">> {
    const init = { params: { path: { projectId } }, body };
    return this.client.request("post", "/api/projects/{projectId}/automations", init, options);
  }

  get(automationId: string, options?: RequestOptions): APIPromise<Schema<"Automation">> {
    const init = { params: { path: { automationId } } };
    return this.client.request("get", "/api/automations/{automationId}", init, options);
  }

  update(
    automationId: string,
    body: Input<"AutomationUpdate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Automation">> {
    const init = { params: { path: { automationId } }, body };
    return this.client.request("patch", "/api/automations/{automationId}", init, options);
  }

  delete(automationId: string, options?: RequestOptions): APIPromise<void> {
    const init = { params: { path: { automationId } } };
    return this.client.request("delete", "/api/automations/{automationId}", init, options);
  }

  /** Runs the automation now; follow the returned job with `jobs.watch`. */
  run(automationId: string, options?: RequestOptions): APIPromise<Schema<"AutomationRunQueued">> {
    const init = { params: { path: { automationId } } };
    return this.client.request("post", "/api/automations/{automationId}/run", init, options);
  }

  /** A page of the delivery log, newest first; `for await` over it for all of it. */
  deliveries(
    automationId: string,
    query: Query<"listDeliveries"> = {},
    options?: RequestOptions,
  ): PagePromise<Schema<"DeliveryList">, Schema<"Delivery">> {
    return new PagePromise(
      (page) =>
        this.client.request(
          "get",
          "/api/automations/{automationId}/deliveries",
          { params: { path: { automationId }, query: { ...query, page } } },
          options,
        ),
      (page) => page.deliveries,
      query.page ?? 1,
      nextPageNumber,
    );
  }

  /** Sends one delivery again. */
  redeliver(deliveryId: string, options?: RequestOptions): APIPromise<Schema<"Delivery">> {
    const init = { params: { path: { deliveryId } } };
    return this.client.request("post", "/api/deliveries/{deliveryId}/redeliver", init, options);
  }
}
