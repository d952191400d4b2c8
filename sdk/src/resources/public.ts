import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { InternalServerError } from "../core/errors.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

export class Health extends APIResource {
  /**
   * The server's mode and each dependency's status. A degraded server answers 503 with the same body, which is
   * returned rather than thrown; a probe is not retried unless you ask (`maxRetries`).
   */
  async check(options?: RequestOptions): Promise<Schema<"Health">> {
    try {
      return await this.client.request("get", "/api/health", {}, { maxRetries: 0, ...options });
    } catch (error) {
      const body = error instanceof InternalServerError ? error.body : undefined;
      if (error instanceof InternalServerError && error.status === 503 && isHealth(body)) return body;
      throw error;
    }
  }
}

const isHealth = (body: unknown): body is Schema<"Health"> =>
  typeof body === "object" && body !== null && "dependencies" in body && "status" in body;

export class Contact extends APIResource {
  /** Sends a message to support. Public. */
  submit(body: Input<"ContactRequest">, options?: RequestOptions): APIPromise<Schema<"ContactReceipt">> {
    return this.client.request("post", "/api/contact", { body }, options);
  }
}
