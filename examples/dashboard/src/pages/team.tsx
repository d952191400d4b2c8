import type { Schema } from "@segmento/sdk";
import { useState } from "preact/hooks";
import { useApp } from "../state.js";
import { Async, Empty, ErrorNote } from "../ui/feedback.js";
import { ConfirmButton, CopyButton, Field, Form, Submit } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { DataTable } from "../ui/table.js";

type Role = Schema<"MemberRole">;
const ROLES: Role[] = ["owner", "admin", "member"];

export function TeamPage() {
  const { client, organization, user, t, fmt } = useApp();
  const orgId = organization!.id;
  const members = useLoad(() => client.organizations.members.list(orgId), [orgId]);
  const invitations = useLoad(() => client.organizations.invitations.list(orgId), [orgId]);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const invite = useAction(async () => {
    await client.organizations.invitations.create(orgId, { email, role });
    setEmail("");
    invitations.reload();
  });
  const changeMember = useAction(async (member: Schema<"Member">, next: Role | "remove") => {
    if (next === "remove") await client.organizations.members.remove(orgId, member.id);
    else await client.organizations.members.update(orgId, member.id, { role: next });
    members.reload();
  });
  const cancel = useAction(async (invitationId: string) => {
    await client.organizations.invitations.cancel(orgId, invitationId);
    invitations.reload();
  });
  return (
    <>
      <h1>{t("nav.team")}</h1>
      <p class="lead">
        {t("team.intro", { organization: organization!.name, role: t(`role.${organization!.role}`) })}
      </p>
      <section class="card" aria-labelledby="members-title">
        <h2 id="members-title">{t("team.members")}</h2>
        <ErrorNote error={changeMember.error} />
        <Async state={members}>
          {({ members: list }) => (
            <DataTable
              columns={[t("auth.name"), t("auth.email"), t("team.role"), t("team.since"), "actions"]}
            >
              {list.map((m) => (
                <tr key={m.id}>
                  <td>
                    {m.name} {m.userId === user?.id && <span class="badge">{t("team.you")}</span>}
                  </td>
                  <td>{m.email}</td>
                  <td>
                    <select
                      aria-label={t("team.roleOf", { name: m.name })}
                      value={m.role}
                      disabled={changeMember.pending}
                      onChange={(e) => changeMember.run(m, e.currentTarget.value as Role)}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`role.${r}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{fmt.date(m.createdAt)}</td>
                  <td class="actions">
                    <ConfirmButton
                      label={m.userId === user?.id ? t("team.leave") : t("team.remove")}
                      question={t("team.confirmRemove", { name: m.name })}
                      pending={changeMember.pending}
                      onConfirm={() => changeMember.run(m, "remove")}
                    />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </Async>
      </section>
      <section class="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{t("team.invite")}</h2>
        <Form class="row end" onSubmit={() => invite.run()}>
          <Field label={t("auth.email")}>
            <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </Field>
          <Field label={t("team.role")}>
            <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <Submit pending={invite.pending}>{t("team.send")}</Submit>
        </Form>
        <ErrorNote error={invite.error} />
        <h3>{t("team.invitations")}</h3>
        <ErrorNote error={cancel.error} />
        <Async state={invitations}>
          {({ invitations: list }) =>
            list.length === 0 ? (
              <Empty title={t("team.noInvitations")}>
                <p>{t("team.noInvitationsBody")}</p>
              </Empty>
            ) : (
              <DataTable
                columns={[t("auth.email"), t("team.role"), t("team.status"), t("team.expires"), "actions"]}
              >
                {list.map((i) => (
                  <tr key={i.id}>
                    <td>{i.email}</td>
                    <td>{t(`role.${i.role}`)}</td>
                    <td>{t(`invitation.${i.status}`)}</td>
                    <td>{fmt.date(i.expiresAt)}</td>
                    <td class="actions">
                      {i.status === "pending" && (
                        <>
                          <CopyButton
                            text={`${window.location.origin}/invitations/${i.id}`}
                            label={t("team.copyLink")}
                          />
                          <ConfirmButton
                            label={t("common.cancel")}
                            question={t("team.confirmCancel", { email: i.email })}
                            pending={cancel.pending}
                            onConfirm={() => cancel.run(i.id)}
                          />
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </DataTable>
            )
          }
        </Async>
      </section>
    </>
  );
}
