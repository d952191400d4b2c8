import { type BetterAuthOptions, type BetterAuthRateLimitStorage, betterAuth } from "better-auth";
import { isAPIError } from "better-auth/api";
import { organization } from "better-auth/plugins";
import type { Logger } from "pino";
import type { SharedPool } from "../db/database.js";
import { authRateLimit, signInThrottle } from "./attempt-limits.js";

/**
 * The header our HTTP layer fills with the client's address (Express's `req.ip`, which applies the proxy
 * rules) before better-auth sees a request, replacing any value the client sent: its limiter counts by it.
 */
export const CLIENT_IP_HEADER = "x-segmento-client-ip";

export interface InvitationEmail {
  email: string;
  invitationId: string;
  organizationName: string;
  inviterName: string;
  role: string;
}

export interface AuthSettings {
  pool: SharedPool;
  secret: string;
  baseUrl: string;
  trustedOrigins: string[];
  logger: Logger;
  /** Where sign-in and sign-up attempts are counted (Redis in services mode). */
  attempts: BetterAuthRateLimitStorage;
  /** Delivers the invitation mail (through the outbox). */
  sendInvitation: (invitation: InvitationEmail) => Promise<void>;
}

/** better-auth's options: email + password sessions and organizations (owner / admin / member), on our pool. */
export function authOptions(settings: AuthSettings) {
  return {
    database: settings.pool,
    secret: settings.secret,
    baseURL: settings.baseUrl,
    basePath: "/api/auth",
    trustedOrigins: settings.trustedOrigins,
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128 },
    rateLimit: authRateLimit(settings.attempts),
    plugins: [
      signInThrottle(settings.attempts),
      organization({
        invitationExpiresIn: 48 * 60 * 60,
        cancelPendingInvitationsOnReInvite: false,
        schema: {
          organization: {
            // The organization is the billing entity: its plan lives beside it. Set by billing, never by input.
            additionalFields: {
              plan: { type: "string", required: false, defaultValue: "free", input: false },
            },
          },
        },
        sendInvitationEmail: (data) =>
          settings.sendInvitation({
            email: data.email,
            invitationId: data.id,
            organizationName: data.organization.name,
            inviterName: data.inviter.user.name,
            role: String(data.role),
          }),
      }),
    ],
    telemetry: { enabled: false },
    // Explicit, because better-auth turns the Origin check off when NODE_ENV=test: our tests run with it on.
    advanced: {
      disableOriginCheck: false,
      disableCSRFCheck: false,
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    // A refusal (a wrong password, a taken email, a limit) is an answer, not a fault: only faults are logged.
    onAPIError: {
      onError: (error) => {
        if (!isAPIError(error) || error.statusCode >= 500)
          settings.logger.error({ source: "better-auth", err: error }, "better-auth failed");
      },
    },
    logger: {
      level: "warn",
      log: (level, message) => settings.logger[level]({ source: "better-auth" }, message),
    },
  } satisfies BetterAuthOptions;
}

export function createAuth(settings: AuthSettings) {
  return betterAuth(authOptions(settings));
}

export type Auth = ReturnType<typeof createAuth>;
