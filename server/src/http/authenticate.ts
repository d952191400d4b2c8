import { createHash, timingSafeEqual } from "node:crypto";
import { fromNodeHeaders } from "better-auth/node";
import type { Request } from "express";
import type { AppContext } from "../context.js";
import { authenticateApiKey } from "../domain/api-keys/authenticate-api-key.js";
import { DomainError } from "../domain/errors.js";
import { projectMismatch } from "../domain/organizations/access.js";
import type { Principal } from "../domain/principal.js";
import type { OperationSpec } from "./contract.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * The contract's `metricsToken` scheme: the bearer token in METRICS_TOKEN, compared timing-safe. A server
 * without one has metrics off (503), whatever the request carries.
 */
async function authenticateScraper(req: Request, app: AppContext): Promise<Principal | undefined> {
  const token = app.config.metricsToken;
  if (!token) throw new DomainError("not_configured", "metrics_not_configured", "metrics_not_configured");
  const given = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(token)) ? { kind: "scraper" } : undefined;
}

/** Resolves one security scheme of the contract to a principal, or undefined when the request does not carry it. */
type SchemeResolver = (req: Request, app: AppContext) => Promise<Principal | undefined>;

const resolvers: Record<string, SchemeResolver> = {
  session: async (req, app) => {
    if (!req.headers.cookie) return undefined;
    const found = await app.auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    if (!found) return undefined;
    return {
      kind: "session",
      userId: found.user.id,
      sessionId: found.session.id,
      activeOrganizationId:
        (found.session as { activeOrganizationId?: string | null }).activeOrganizationId ?? null,
    };
  },
  apiKey: (req, app) => authenticateApiKey(app.db.knex, req.log, req.get("authorization")),
  metricsToken: authenticateScraper,
};

/**
 * Tries the operation's security alternatives in order and returns the first principal that satisfies one.
 * Public operations get `{kind: "public"}`. A request with no usable credential gets 401 (`api_key_missing`
 * where an API key is the only way in, `metrics_token_invalid` with a bearer challenge for GET /metrics). An API key used on another project's path gets 403 right here, so no
 * handler ever runs for it.
 */
export async function authenticate(req: Request, op: OperationSpec, app: AppContext): Promise<Principal> {
  if (op.security.length === 0) return { kind: "public" };
  for (const alternative of op.security) {
    for (const scheme of alternative) {
      const resolve = resolvers[scheme];
      if (!resolve) throw new Error(`No resolver for security scheme "${scheme}" (operation ${op.id})`);
      const principal = await resolve(req, app);
      if (!principal) continue;
      const projectId = (req.params as Record<string, string | undefined>).projectId;
      if (principal.kind === "apiKey" && projectId !== undefined && projectId !== principal.projectId) {
        throw projectMismatch();
      }
      return principal;
    }
  }
  const only = (scheme: string) =>
    op.security.every((alternative) => alternative.length === 1 && alternative[0] === scheme);
  if (only("apiKey")) throw new DomainError("unauthenticated", "api_key_missing", "api_key_missing");
  if (only("metricsToken")) {
    req.res?.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
    throw new DomainError("unauthenticated", "metrics_token_invalid", "metrics_token_invalid");
  }
  throw new DomainError("unauthenticated", "unauthorized", "unauthorized", { operation: op.id });
}
