import { type BetterAuthOptions, betterAuth } from "better-auth";
import { organization } from "better-auth/plugins";
import type { Logger } from "pino";
import type { SharedPool } from "../db/database.js";

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
    plugins: [
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
    advanced: { disableOriginCheck: false, disableCSRFCheck: false },
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
