import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

/**
 * Email + password sessions (better-auth). On a server the client keeps the session cookie that sign-up and
 * sign-in set and sends it on later calls; in a browser, the browser does.
 */
export class Auth extends APIResource {
  signUp(body: Input<"SignUpRequest">, options?: RequestOptions): APIPromise<Schema<"SignUpResponse">> {
    return this.client.request("post", "/api/auth/sign-up/email", { body }, options);
  }

  signIn(body: Input<"SignInRequest">, options?: RequestOptions): APIPromise<Schema<"SignInResponse">> {
    return this.client.request("post", "/api/auth/sign-in/email", { body }, options);
  }

  signOut(options?: RequestOptions): APIPromise<Schema<"SignOutResponse">> {
    return this.client.request("post", "/api/auth/sign-out", {}, options);
  }

  /** The current session and its user, or null. */
  getSession(options?: RequestOptions): APIPromise<Schema<"SessionWithUser">> {
    return this.client.request("get", "/api/auth/get-session", {}, options);
  }
}
