import { isAPIError } from "better-auth/api";
import { DomainError } from "../errors.js";

/**
 * Runs a better-auth API call. Our own checks run first and answer the expected cases with our codes; what
 * better-auth still refuses is passed on with its status and reason rather than as a 500.
 */
export async function viaBetterAuth<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isAPIError(error)) throw error;
    const status = typeof error.statusCode === "number" && error.statusCode >= 400 ? error.statusCode : 400;
    const kind =
      status === 401 || status === 403
        ? "forbidden"
        : status === 404
          ? "not_found"
          : status >= 500
            ? "internal"
            : status === 409
              ? "conflict"
              : "invalid";
    const reason = (error.body as { message?: string } | undefined)?.message ?? error.message;
    throw new DomainError(
      kind,
      kind === "forbidden"
        ? "forbidden"
        : kind === "conflict"
          ? "conflict"
          : kind === "not_found"
            ? "not_found"
            : kind === "internal"
              ? "internal_error"
              : "validation_failed",
      "auth_rejected",
      {
        reason,
      },
    );
  }
}
