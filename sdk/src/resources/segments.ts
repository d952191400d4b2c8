import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

export class Segments extends APIResource {
  list(projectId: string, options?: RequestOptions): APIPromise<Schema<"SegmentList">> {
    const init = { params: { path: { projectId } } };
    return this.client.request("get", "/api/engine/projects/{projectId}/segments", init, options);
  }

  create(
    projectId: string,
    body: Input<"SegmentCreate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Segment">> {
    const init = { params: { path: { projectId } }, body };
    return this.client.request("post", "/api/engine/projects/{projectId}/segments", init, options);
  }

  /** How many customers a rule would select, without saving it. */
  preview(
    projectId: string,
    body: Input<"SegmentPreviewRequest">,
    options?: RequestOptions,
  ): APIPromise<Schema<"SegmentPreview">> {
    const init = { params: { path: { projectId } }, body };
    return this.client.request("post", "/api/engine/projects/{projectId}/segments/preview", init, options);
  }

  get(segmentId: string, options?: RequestOptions): APIPromise<Schema<"Segment">> {
    const init = { params: { path: { segmentId } } };
    return this.client.request("get", "/api/engine/segments/{segmentId}", init, options);
  }

  update(
    segmentId: string,
    body: Input<"SegmentUpdate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Segment">> {
    const init = { params: { path: { segmentId } }, body };
    return this.client.request("patch", "/api/engine/segments/{segmentId}", init, options);
  }

  delete(segmentId: string, options?: RequestOptions): APIPromise<void> {
    const init = { params: { path: { segmentId } } };
    return this.client.request("delete", "/api/engine/segments/{segmentId}", init, options);
  }

  /** Re-runs segmentation (then churn, CLV and uplift) now; follow the returned job with `jobs.watch`. */
  run(projectId: string, options?: RequestOptions): APIPromise<Schema<"JobQueued">> {
    const init = { params: { path: { projectId } } };
    return this.client.request("post", "/api/engine/projects/{projectId}/segmentation", init, options);
  }
}
