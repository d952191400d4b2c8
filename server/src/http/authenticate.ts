import { fromNodeHeaders } from "better-auth/node";
import type { Request } from "express";
import type { AppContext } from "../context.js";
import type { OperationSpec } from "./contract.js";
import { ApiError } from "./errors.js";
import type { Principal } from "./operation.js";

/** Resolves one security scheme of the contract to a principal, or undefined when the request does not carry it. */
export type SchemeResolver = (req: Request, app: AppContext) => Promise<Principal | undefined>;

export const resolveSession: SchemeResolver = async (req, app) => {
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
};

/**
 * Tries the operation's security alternatives in order and returns the first principal that satisfies one.
 * Public operations get `{kind: "public"}`; otherwise 401.
 */
export async function authenticate(
  req: Request,
  op: OperationSpec,
  app: AppContext,
  resolvers: Record<string, SchemeResolver>,
): Promise<Principal> {
  if (op.security.length === 0) return { kind: "public" };
  for (const alternative of op.security) {
    for (const scheme of alternative) {
      const resolve = resolvers[scheme];
      if (!resolve) throw new Error(`No resolver for security scheme "${scheme}" (operation ${op.id})`);
      const principal = await resolve(req, app);
      if (principal) return principal;
    }
  }
  throw new ApiError(401, "unauthorized", "unauthorized", { operation: op.id });
}
