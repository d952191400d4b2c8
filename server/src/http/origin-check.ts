import type { Request } from "express";
import type { Config } from "../config.js";
import { DomainError } from "../domain/errors.js";
import type { OperationSpec } from "./contract.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The cross-site request forgery guard of the routes our router serves (better-auth guards its own). The
 * session cookie goes with any request a browser makes, even one a foreign page starts (a form post, a
 * multipart upload), so a request that changes something with a cookie must show that it comes from a trusted
 * origin: its `Origin` header (or, without one, `Sec-Fetch-Site: same-origin`) names the server's own origin
 * (PUBLIC_URL) or one listed in TRUSTED_ORIGINS. A request carrying an `Authorization` header is exempt: a
 * foreign page cannot set that header without a CORS preflight, which only trusted origins pass.
 */
export function checkSessionOrigin(
  req: Request,
  op: OperationSpec,
  config: Pick<Config, "publicUrl" | "trustedOrigins">,
): void {
  if (SAFE_METHODS.has(req.method) || op.security.length === 0) return;
  if (!req.headers.cookie || req.headers.authorization !== undefined) return;
  const publicOrigin = new URL(config.publicUrl).origin;
  const origin = req.get("origin");
  if (origin !== undefined && origin !== "null") {
    if (origin === publicOrigin || config.trustedOrigins.includes(origin)) return;
    throw refusal("origin_not_trusted", origin, publicOrigin);
  }
  const site = req.get("sec-fetch-site");
  if (origin === undefined && (site === "same-origin" || site === "none")) return;
  throw refusal("origin_missing", origin ?? site ?? "none", publicOrigin);
}

const refusal = (messageKey: "origin_not_trusted" | "origin_missing", origin: string, publicOrigin: string) =>
  new DomainError("forbidden", "origin_not_trusted", messageKey, { origin, publicOrigin });
