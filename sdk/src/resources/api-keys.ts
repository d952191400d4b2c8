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

  /**
   * List API keys (`GET /api/projects/{projectId}/api-keys`).
   *
   * @example
   * ```ts
   * const result = await segmento.apiKeys.list(projectId);
   * ```
   */
  list(projectId: string, options?: RequestOptions): APIPromise<Schema<"ApiKeyList">> {
    const init = { params: { path: { projectId } } };
    return this.client.request("get", "/api/projects/{projectId}/api-keys", init, options);
  }

  /**
   * Rename, enable or disable an API key (`PATCH /api/projects/{projectId}/api-keys/{keyId}`).
   *
   * @example
   * ```ts
   * const result = await segmento.apiKeys.update(projectId, keyId, body);
   * ```
   */
  update(
    projectId: string,
    keyId: string,
    body: Input<"ApiKeyUpdate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"ApiKey">> {
    const init = { params: { path: { projectId, keyId } }, body };
    return this.client.request("patch", "/api/projects/{projectId}/api-keys/{keyId}", init, options);
  }

  /**
   * Delete an API key (`DELETE /api/projects/{projectId}/api-keys/{keyId}`).
   *
   * @example
   * ```ts
   * await segmento.apiKeys.delete(projectId, keyId);
   * ```
   */
  delete(projectId: string, keyId: string, options?: RequestOptions): APIPromise<void> {
    const init = { params: { path: { projectId, keyId } } };
    return this.client.request("delete", "/api/projects/{projectId}/api-keys/{keyId}", init, options);
  }
}
