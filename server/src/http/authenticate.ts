import { fromNodeHeaders } from "better-auth/node";
import type { Request } from "express";
import type { AppContext } from "../context.js";
import { authenticateApiKey } from "../domain/api-keys/authenticate-api-key.js";
import { DomainError } from "../domain/errors.js";
import { projectMismatch } from "../domain/organizations/access.js";
import type { Principal } from "../domain/principal.js";
import type { OperationSpec } from "./contract.js";

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
};

/**
 * Tries the operation's security alternatives in order and returns the first principal that satisfies one.
 * Public operations get `{kind: "public"}`. A request with no usable credential gets 401 (`api_key_missing`
 * where an API key is the only way in). An API key used on another project's path gets 403 right here, so no
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
  const onlyApiKey = op.security.every(
    (alternative) => alternative.length === 1 && alternative[0] === "apiKey",
  );
  if (onlyApiKey) throw new DomainError("unauthenticated", "api_key_missing", "api_key_missing");
  throw new DomainError("unauthenticated", "unauthorized", "unauthorized", { operation: op.id });
}
