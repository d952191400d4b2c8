import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

export class Projects extends APIResource {
  list(orgId: string, options?: RequestOptions): APIPromise<Schema<"ProjectList">> {
    return this.client.request(
      "get",
      "/api/organizations/{orgId}/projects",
      { params: { path: { orgId } } },
      options,
    );
  }

  create(
    orgId: string,
    body: Input<"ProjectCreate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Project">> {
    const init = { params: { path: { orgId } }, body };
    return this.client.request("post", "/api/organizations/{orgId}/projects", init, options);
  }

  get(projectId: string, options?: RequestOptions): APIPromise<Schema<"Project">> {
    return this.client.request(
      "get",
      "/api/projects/{projectId}",
      { params: { path: { projectId } } },
      options,
    );
  }

  update(
    projectId: string,
    body: Input<"ProjectUpdate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Project">> {
    const init = { params: { path: { projectId } }, body };
    return this.client.request("patch", "/api/projects/{projectId}", init, options);
  }

  /** Deletes the project (gone at once) and queues the deletion of its data; resolves with that job. */
  delete(projectId: string, options?: RequestOptions): APIPromise<Schema<"ProjectDeletionQueued">> {
    return this.client.request(
      "delete",
      "/api/projects/{projectId}",
      { params: { path: { projectId } } },
      options,
    );
  }

  /** The project's ML summary: segments, churn, CLV, uplift and ABC statistics. */
  overview(projectId: string, options?: RequestOptions): APIPromise<Schema<"ProjectOverview">> {
    const init = { params: { path: { projectId } } };
    return this.client.request("get", "/api/engine/projects/{projectId}/overview", init, options);
  }
}
