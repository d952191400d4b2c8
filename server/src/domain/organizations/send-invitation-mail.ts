import type { InvitationEmail } from "../../auth/better-auth.js";
import type { Mailer } from "../../mail/mailer.js";

/** Mails an invitation: who invited the address, to which organization, as what, and how to accept. */
export async function sendInvitationMail(mailer: Mailer, publicUrl: string, invitation: InvitationEmail) {
  const mail = {
    to: invitation.email,
    subject: `${invitation.inviterName} invited you to ${invitation.organizationName} on Segmento`,
    body: [
      `${invitation.inviterName} invited you to join ${invitation.organizationName} on Segmento as ${invitation.role}.`,
      "",
      "Sign in (or sign up) with this email address, then accept the invitation:",
      `POST ${publicUrl}/api/invitations/${invitation.invitationId}/accept`,
      "",
      "The invitation expires in 48 hours.",
    ].join("\n"),
  };
  const id = await mailer.enqueue(mail);
  await mailer.deliver(id, mail);
}
