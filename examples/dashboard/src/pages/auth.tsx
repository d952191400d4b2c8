import { useState } from "preact/hooks";
import { Link, navigate } from "../router.js";
import { useApp } from "../state.js";
import { ErrorNote } from "../ui/feedback.js";
import { Field, Submit } from "../ui/forms.js";
import { useAction } from "../ui/hooks.js";

export function SignInPage() {
  const app = useApp();
  const { t } = app;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useAction(async () => {
    await app.client.auth.signIn({ email, password });
    await app.refreshSession();
  });
  return (
    <section class="card narrow">
      <h1>{t("auth.signIn")}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void signIn.run();
        }}
      >
        <Field label={t("auth.email")}>
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </Field>
        <Field label={t("auth.password")}>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <ErrorNote error={signIn.error} />
        <Submit pending={signIn.pending}>{t("auth.signIn")}</Submit>
      </form>
      <p>
        {t("auth.noAccount")} <Link href={`/sign-up${window.location.search}`}>{t("auth.signUp")}</Link>
      </p>
    </section>
  );
}

export function SignUpPage() {
  const app = useApp();
  const { t } = app;
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signUp = useAction(async () => {
    await app.client.auth.signUp({ name, email, password });
    await app.refreshSession();
  });
  return (
    <section class="card narrow">
      <h1>{t("auth.signUp")}</h1>
      <p>{t("auth.signUpIntro")}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void signUp.run();
        }}
      >
        <Field label={t("auth.name")}>
          <input
            name="name"
            autoComplete="name"
            required
            maxLength={200}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field label={t("auth.email")}>
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </Field>
        <Field label={t("auth.password")} hint={t("auth.passwordHint")}>
          <input
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={128}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <ErrorNote error={signUp.error} />
        <Submit pending={signUp.pending}>{t("auth.createAccount")}</Submit>
      </form>
      <p>
        {t("auth.haveAccount")} <Link href={`/sign-in${window.location.search}`}>{t("auth.signIn")}</Link>
      </p>
    </section>
  );
}

/** The page an invitation links to: accept it as the signed-in user (whose email it must be for). */
export function AcceptInvitationPage({ invitationId }: { invitationId: string }) {
  const app = useApp();
  const { t } = app;
  const [accepted, setAccepted] = useState(false);
  const accept = useAction(async () => {
    await app.client.organizations.invitations.accept(invitationId);
    setAccepted(true);
    await app.reload();
  });
  return (
    <section class="card narrow">
      <h1>{t("invite.title")}</h1>
      <p>{t("invite.body", { email: app.user?.email ?? "" })}</p>
      <p class="meta">
        {t("invite.id")} <code>{invitationId}</code>
      </p>
      <ErrorNote error={accept.error} />
      {accepted ? (
        <div class="note success" role="status">
          {t("invite.accepted")} <Link href="/team">{t("nav.team")}</Link>
        </div>
      ) : (
        <button type="button" class="primary" disabled={accept.pending} onClick={() => accept.run()}>
          {t("invite.accept")}
        </button>
      )}
    </section>
  );
}

/** A form to open an invitation by its id (from the email), for the onboarding page. */
export function InvitationIdForm() {
  const { t } = useApp();
  const [id, setId] = useState("");
  return (
    <form
      class="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (id.trim()) navigate(`/invitations/${encodeURIComponent(id.trim())}`);
      }}
    >
      <Field label={t("invite.id")}>
        <input value={id} required onInput={(e) => setId(e.currentTarget.value)} />
      </Field>
      <button type="submit">{t("invite.open")}</button>
    </form>
  );
}
