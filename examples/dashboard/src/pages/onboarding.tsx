import { useState } from "preact/hooks";
import { navigate } from "../router.js";
import { useApp } from "../state.js";
import { ErrorNote } from "../ui/feedback.js";
import { Field, Form, Submit } from "../ui/forms.js";
import { useAction } from "../ui/hooks.js";
import { InvitationIdForm } from "./auth.js";

export function NewOrganizationPage({ first = false }: { first?: boolean }) {
  const app = useApp();
  const { t } = app;
  const [name, setName] = useState("");
  const create = useAction(async () => {
    const organization = await app.client.organizations.create({ name });
    await app.reload({ organizationId: organization.id });
    navigate(first ? window.location.pathname : "/projects/new");
  });
  return (
    <section class="card narrow">
      <h1>{first ? t("org.first") : t("org.new")}</h1>
      <p>{t("org.intro")}</p>
      <Form onSubmit={() => create.run()}>
        <Field label={t("org.name")} hint={t("org.nameHint")}>
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <ErrorNote error={create.error} />
        <Submit pending={create.pending}>{t("org.create")}</Submit>
      </Form>
      {first && (
        <>
          <h2>{t("org.invitedTitle")}</h2>
          <p>{t("org.invitedBody")}</p>
          <InvitationIdForm />
        </>
      )}
    </section>
  );
}

export function NewProjectPage({ first = false }: { first?: boolean }) {
  const app = useApp();
  const { t } = app;
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [currency, setCurrency] = useState("USD");
  const create = useAction(async () => {
    const project = await app.client.projects.create(app.organization!.id, {
      name,
      description: description || null,
      settings: { currency },
    });
    await app.reload({ organizationId: project.organizationId, projectId: project.id });
    navigate("/data");
  });
  return (
    <section class="card narrow">
      <h1>{first ? t("project.first") : t("project.new")}</h1>
      <p>{t("project.intro", { organization: app.organization?.name ?? "" })}</p>
      <Form onSubmit={() => create.run()}>
        <Field label={t("project.name")}>
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t("project.description")}>
          <textarea
            maxLength={1000}
            rows={2}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </Field>
        <Field label={t("project.currency")} hint={t("project.currencyHint")}>
          <input
            required
            pattern="[A-Z]{3}"
            maxLength={3}
            value={currency}
            onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
          />
        </Field>
        <ErrorNote error={create.error} />
        <Submit pending={create.pending}>{t("project.create")}</Submit>
      </Form>
    </section>
  );
}
