import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

export class ApiKeys extends APIResource {
  /** Creates a key; the raw `sk_live_` key is in this response only. */
  create(
    projectId: string,
    body: Input<"ApiKeyCreate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"ApiKeyCreated">> {
    const init = { params: { path: { projectId } }, body };
    return this.client.request("post", "/api/projects/{projectId}/api-keys", init, options);
  }

  list(projectId: string, options?: RequestOptions): APIPromise<Schema<"ApiKeyList">> {
    const init = { params: { path: { projectId } } };
    return this.client.request("get", "/api/projects/{projectId}/api-keys", init, options);
  }

  update(
    projectId: string,
    keyId: string,
    body: Input<"ApiKeyUpdate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"ApiKey">> {
    const init = { params: { path: { projectId, keyId } }, body };
    return this.client.request("patch", "/api/projects/{projectId}/api-keys/{keyId}", init, options);
  }

  delete(projectId: string, keyId: string, options?: RequestOptions): APIPromise<void> {
    const init = { params: { path: { projectId, keyId } } };
    return this.client.request("delete", "/api/projects/{projectId}/api-keys/{keyId}", init, options);
  }
}
