import { isAPIError } from "better-auth/api";
import { ApiError } from "../../http/errors.js";

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
    const mapped =
      status === 401 || status === 403
        ? 403
        : status === 404
          ? 404
          : status >= 500
            ? 500
            : status === 409
              ? 409
              : 400;
    const reason = (error.body as { message?: string } | undefined)?.message ?? error.message;
    throw new ApiError(
      mapped,
      mapped === 403 ? "forbidden" : mapped === 409 ? "conflict" : "validation_failed",
      "auth_rejected",
      {
        reason,
      },
    );
  }
}
