import { useState } from "preact/hooks";
import { Link, navigate } from "../router.js";
import { useApp } from "../state.js";
import { ErrorNote } from "../ui/feedback.js";
import { Field, Form, Submit } from "../ui/forms.js";
import { useAction } from "../ui/hooks.js";

export function SignInPage() {
  const app = useApp();
  const { t } = app;
  const [credentials, setCredentials] = useState({ email: "", password: "" });
  const signIn = useAction(async () => {
    await app.client.auth.signIn(credentials);
    await app.refreshSession();
  });
  return (
    <section class="card narrow">
      <h1>{t("auth.signIn")}</h1>
      <Form onSubmit={() => signIn.run()}>
        <Credentials credentials={credentials} onChange={setCredentials} newPassword={false} />
        <ErrorNote error={signIn.error} />
        <Submit pending={signIn.pending}>{t("auth.signIn")}</Submit>
      </Form>
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
  const [credentials, setCredentials] = useState({ email: "", password: "" });
  const signUp = useAction(async () => {
    await app.client.auth.signUp({ name, ...credentials });
    await app.refreshSession();
  });
  return (
    <section class="card narrow">
      <h1>{t("auth.signUp")}</h1>
      <p>{t("auth.signUpIntro")}</p>
      <Form onSubmit={() => signUp.run()}>
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
        <Credentials credentials={credentials} onChange={setCredentials} newPassword />
        <ErrorNote error={signUp.error} />
        <Submit pending={signUp.pending}>{t("auth.createAccount")}</Submit>
      </Form>
      <p>
        {t("auth.haveAccount")} <Link href={`/sign-in${window.location.search}`}>{t("auth.signIn")}</Link>
      </p>
    </section>
  );
}

interface CredentialsValue {
  email: string;
  password: string;
}

/** Email and password; a new password (sign-up) gets the server's length rules and the browser's generator. */
function Credentials({
  credentials,
  onChange,
  newPassword,
}: {
  credentials: CredentialsValue;
  onChange(next: CredentialsValue): void;
  newPassword: boolean;
}) {
  const { t } = useApp();
  return (
    <>
      <Field label={t("auth.email")}>
        <input
          type="email"
          name="email"
          autoComplete="email"
          required
          value={credentials.email}
          onInput={(e) => onChange({ ...credentials, email: e.currentTarget.value })}
        />
      </Field>
      <Field label={t("auth.password")} hint={newPassword ? t("auth.passwordHint") : undefined}>
        <input
          type="password"
          name="password"
          autoComplete={newPassword ? "new-password" : "current-password"}
          required
          minLength={newPassword ? 8 : undefined}
          maxLength={128}
          value={credentials.password}
          onInput={(e) => onChange({ ...credentials, password: e.currentTarget.value })}
        />
      </Field>
    </>
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
    <Form class="row" onSubmit={() => id.trim() && navigate(`/invitations/${encodeURIComponent(id.trim())}`)}>
      <Field label={t("invite.id")}>
        <input value={id} required onInput={(e) => setId(e.currentTarget.value)} />
      </Field>
      <button type="submit">{t("invite.open")}</button>
    </Form>
  );
}
