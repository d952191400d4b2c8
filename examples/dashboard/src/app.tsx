import { useEffect } from "preact/hooks";
import type { MessageKey } from "./i18n/index.js";
import { Layout, PublicLayout } from "./layout.js";
import { ApiKeysPage } from "./pages/api-keys.js";
import { AcceptInvitationPage, SignInPage, SignUpPage } from "./pages/auth.js";
import { AutomationsPage } from "./pages/automations.js";
import { BillingPage } from "./pages/billing.js";
import { ContactPage } from "./pages/contact.js";
import { CustomersPage } from "./pages/customers.js";
import { DataPage } from "./pages/data.js";
import { IntegrationsPage } from "./pages/integrations.js";
import { ModelsPage } from "./pages/models.js";
import { NewOrganizationPage, NewProjectPage } from "./pages/onboarding.js";
import { OverviewPage } from "./pages/overview.js";
import { SegmentsPage } from "./pages/segments.js";
import { TeamPage } from "./pages/team.js";
import { matchPath, navigate, usePath } from "./router.js";
import { useApp } from "./state.js";
import { Loading } from "./ui/feedback.js";

/** The pages of a project, in the navigation's order. */
export const PROJECT_PAGES: { path: string; label: MessageKey; Page: () => preact.JSX.Element }[] = [
  { path: "/", label: "nav.overview", Page: OverviewPage },
  { path: "/data", label: "nav.data", Page: DataPage },
  { path: "/customers", label: "nav.customers", Page: CustomersPage },
  { path: "/segments", label: "nav.segments", Page: SegmentsPage },
  { path: "/models", label: "nav.models", Page: ModelsPage },
  { path: "/integrations", label: "nav.integrations", Page: IntegrationsPage },
  { path: "/automations", label: "nav.automations", Page: AutomationsPage },
  { path: "/api-keys", label: "nav.apiKeys", Page: ApiKeysPage },
];

/** The pages of an organization. */
export const ORGANIZATION_PAGES: typeof PROJECT_PAGES = [
  { path: "/team", label: "nav.team", Page: TeamPage },
  { path: "/billing", label: "nav.billing", Page: BillingPage },
  { path: "/contact", label: "nav.contact", Page: ContactPage },
];

const PUBLIC_PATHS = ["/sign-in", "/sign-up"];

export function App() {
  const app = useApp();
  const path = usePath();
  const signedIn = Boolean(app.user);
  useEffect(() => {
    // Signed in on a sign-in page: go to where the user was headed, else home.
    if (signedIn && PUBLIC_PATHS.includes(path)) {
      const next = new URLSearchParams(window.location.search).get("next");
      navigate(next?.startsWith("/") ? next : "/", { replace: true });
    }
  }, [signedIn, path]);
  useEffect(() => {
    // Stripe sends the user back to /?checkout=success|cancelled: the billing page says what happened.
    const checkout = new URLSearchParams(window.location.search).get("checkout");
    if (signedIn && path === "/" && checkout)
      navigate(`/billing?checkout=${encodeURIComponent(checkout)}`, { replace: true });
  }, [signedIn, path]);
  useEffect(() => {
    document.title = `${app.t(titleOf(path))} · Segmento`;
  }, [path, app.t]);

  if (app.user === undefined) {
    return (
      <main id="main" class="boot">
        <Loading />
      </main>
    );
  }
  if (!app.user) {
    if (path === "/contact")
      return (
        <PublicLayout>
          <ContactPage />
        </PublicLayout>
      );
    return <PublicLayout>{path === "/sign-up" ? <SignUpPage /> : <SignInPage />}</PublicLayout>;
  }
  return (
    <Layout
      sections={[
        { title: "nav.project", pages: app.project ? PROJECT_PAGES : [] },
        { title: "nav.organization", pages: ORGANIZATION_PAGES },
      ]}
    >
      {pageFor(path, app)}
    </Layout>
  );
}

function pageFor(path: string, app: ReturnType<typeof useApp>) {
  const invitation = matchPath("/invitations/:id", path);
  if (invitation) return <AcceptInvitationPage invitationId={invitation.id!} />;
  if (path === "/organizations/new") return <NewOrganizationPage />;
  if (!app.organization) return app.loadError ? null : <NewOrganizationPage first />;
  const organizationPage = ORGANIZATION_PAGES.find((p) => p.path === path);
  if (organizationPage) return <organizationPage.Page />;
  if (path === "/projects/new") return <NewProjectPage />;
  if (!app.project) return <NewProjectPage first />;
  const projectPage = PROJECT_PAGES.find((p) => p.path === path);
  if (projectPage) return <projectPage.Page />;
  return <NotFound />;
}

function NotFound() {
  const { t } = useApp();
  return (
    <section>
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
    </section>
  );
}

function titleOf(path: string): MessageKey {
  const page = [...PROJECT_PAGES, ...ORGANIZATION_PAGES].find((p) => p.path === path);
  if (page) return page.label;
  if (path === "/sign-up") return "auth.signUp";
  if (path.startsWith("/invitations/")) return "invite.title";
  if (path === "/organizations/new") return "org.new";
  if (path === "/projects/new") return "project.new";
  return "auth.signIn";
}
