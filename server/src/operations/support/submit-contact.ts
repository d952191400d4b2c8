import { submitContactMessage } from "../../domain/support/submit-contact-message.js";
import { defineOperation } from "../../http/operation.js";
import { rateLimiter } from "../../http/rate-limit.js";

export const submitContact = defineOperation(
  "submitContact",
  async ({ body, app, req }) => {
    const receipt = await submitContactMessage(
      { db: app.db.knex, mailer: app.mailer, supportEmail: app.config.supportEmail },
      { name: body.name.trim(), email: body.email.trim(), message: body.message.trim() },
      req.ip,
    );
    return { status: 201, body: receipt };
  },
  {
    // Public form: limited per IP on top of the global limit, to keep the support inbox usable.
    before: (app) => [
      rateLimiter(app, {
        name: "contact",
        max: app.config.contactRateLimit.max,
        windowMs: app.config.contactRateLimit.windowMs,
        messageKey: "contact_rate_limited",
      }),
    ],
  },
);
