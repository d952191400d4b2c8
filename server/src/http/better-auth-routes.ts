import { toNodeHandler } from "better-auth/node";
import type { Request, Response } from "express";
import { CLIENT_IP_HEADER } from "../auth/better-auth.js";
import type { AppContext } from "../context.js";
import type { MessageKey, MessageParams } from "../i18n/index.js";
import { errorBody } from "./error-handler.js";

/**
 * better-auth's error codes on the routes we let it serve, as our stable lower-case codes with our own
 * messages (what happened and how to fix it, localized). A code not listed keeps its name, lower-cased.
 */
const AUTH_ERRORS: Record<string, { code: string; messageKey: MessageKey }> = {
  INVALID_EMAIL_OR_PASSWORD: {
    code: "invalid_email_or_password",
    messageKey: "auth.invalid_email_or_password",
  },
  USER_ALREADY_EXISTS: { code: "user_already_exists", messageKey: "auth.user_already_exists" },
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: {
    code: "user_already_exists",
    messageKey: "auth.user_already_exists",
  },
  INVALID_EMAIL: { code: "invalid_email", messageKey: "auth.invalid_email" },
  PASSWORD_TOO_SHORT: { code: "password_too_short", messageKey: "auth.password_too_short" },
  PASSWORD_TOO_LONG: { code: "password_too_long", messageKey: "auth.password_too_long" },
  VALIDATION_ERROR: { code: "validation_failed", messageKey: "auth.validation_failed" },
  INVALID_ORIGIN: { code: "origin_not_trusted", messageKey: "origin_not_trusted" },
  MISSING_OR_NULL_ORIGIN: { code: "origin_not_trusted", messageKey: "origin_missing" },
  CROSS_SITE_NAVIGATION_LOGIN_BLOCKED: { code: "origin_not_trusted", messageKey: "origin_not_trusted" },
  TOO_MANY_SIGN_IN_ATTEMPTS: { code: "rate_limited", messageKey: "auth.too_many_sign_in_attempts" },
};

/** Serves one better-auth route: the client's address passed on for its limiter, its errors in our shape. */
export function betterAuthRoute(app: AppContext): (req: Request, res: Response) => Promise<void> {
  return (req, res) => {
    req.headers[CLIENT_IP_HEADER] = req.ip ?? "unknown";
    const serve = toNodeHandler(async (request: globalThis.Request) =>
      inOurShape(app, req, await app.auth.handler(request)),
    );
    return serve(req, res);
  };
}

async function inOurShape(
  app: AppContext,
  req: Request,
  response: globalThis.Response,
): Promise<globalThis.Response> {
  if (response.status < 400) return response;
  const theirs = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { code?: unknown; message?: unknown };
  const theirCode = typeof theirs.code === "string" ? theirs.code : undefined;
  const reason = typeof theirs.message === "string" ? theirs.message : response.statusText;
  // better-auth's own limiter says X-Retry-After; the documented header is Retry-After.
  const retryAfter = response.headers.get("retry-after") ?? response.headers.get("x-retry-after");
  const known = theirCode === undefined ? undefined : AUTH_ERRORS[theirCode];
  const params: MessageParams = {
    reason,
    retryAfter: retryAfter ?? "",
    origin: req.get("origin") ?? "none",
    publicOrigin: new URL(app.config.publicUrl).origin,
  };
  const [code, messageKey]: [string, MessageKey] = known
    ? [known.code, known.messageKey]
    : response.status === 429
      ? ["rate_limited", "auth.too_many_requests"]
      : [theirCode?.toLowerCase() ?? "auth_rejected", "auth_rejected"];
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("x-retry-after");
  headers.set("content-type", "application/json");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return new Response(JSON.stringify(errorBody(req, code, messageKey, params)), {
    status: response.status,
    headers,
  });
}
