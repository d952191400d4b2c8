import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { InternalServerError } from "../core/errors.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

export class Health extends APIResource {
  /**
   * Liveness: the server's mode and each dependency's status. It answers 200 whenever the process serves, with
   * `status: degraded` when a dependency is down; a probe is not retried unless you ask (`maxRetries`).
   */
  async check(options?: RequestOptions): Promise<Schema<"Health">> {
    return this.client.request("get", "/api/health", {}, { maxRetries: 0, ...options });
  }

  /**
   * Readiness: whether the database, Redis and the schema are ready for traffic. A server that is not ready
   * answers 503 with the same body, which is returned rather than thrown (`status` says `not_ready` or
   * `shutting_down`); a probe is not retried unless you ask (`maxRetries`).
   */
  async ready(options?: RequestOptions): Promise<Schema<"Readiness">> {
    try {
      return await this.client.request("get", "/api/health/ready", {}, { maxRetries: 0, ...options });
    } catch (error) {
      const body = error instanceof InternalServerError ? error.body : undefined;
      if (error instanceof InternalServerError && error.status === 503 && isReadiness(body)) return body;
      throw error;
    }
  }
}

const isReadiness = (body: unknown): body is Schema<"Readiness"> =>
  typeof body === "object" && body !== null && "migrations" in body && "status" in body;

export class Contact extends APIResource {
  /** Sends a message to support. Public. */
  submit(body: Input<"ContactRequest">, options?: RequestOptions): APIPromise<Schema<"ContactReceipt">> {
    return this.client.request("post", "/api/contact", { body }, options);
  }
}
