import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

export class Integrations extends APIResource {
  list(projectId: string, options?: RequestOptions): APIPromise<Schema<"IntegrationList">> {
    const init = { params: { path: { projectId } } };
    return this.client.request("get", "/api/projects/{projectId}/integrations", init, options);
  }

  /** Creates a delivery channel; a `custom_webhook` gets its `whsec_` signing secret in this response only. */
  create(
    projectId: string,
    body: Input<"IntegrationCreate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"IntegrationCreated">> {
    const init = { params: { path: { projectId } }, body };
    return this.client.request("post", "/api/projects/{projectId}/integrations", init, options);
  }

  get(integrationId: string, options?: RequestOptions): APIPromise<Schema<"Integration">> {
    const init = { params: { path: { integrationId } } };
    return this.client.request("get", "/api/integrations/{integrationId}", init, options);
  }

  update(
    integrationId: string,
    body: Input<"IntegrationUpdate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Integration">> {
    const init = { params: { path: { integrationId } }, body };
    return this.client.request("patch", "/api/integrations/{integrationId}", init, options);
  }

  delete(integrationId: string, options?: RequestOptions): APIPromise<void> {
    const init = { params: { path: { integrationId } } };
    return this.client.request("delete", "/api/integrations/{integrationId}", init, options);
  }

  /** Makes a test call to the provider; a rejected test throws UnprocessableEntityError. */
  test(integrationId: string, options?: RequestOptions): APIPromise<Schema<"IntegrationTestResult">> {
    const init = { params: { path: { integrationId } } };
    return this.client.request("post", "/api/integrations/{integrationId}/test", init, options);
  }

  /** A new `whsec_` secret for a `custom_webhook`; the old one stops working at once. */
  rotateSecret(integrationId: string, options?: RequestOptions): APIPromise<Schema<"WebhookSecret">> {
    const init = { params: { path: { integrationId } } };
    return this.client.request("post", "/api/integrations/{integrationId}/rotate-secret", init, options);
  }
}
