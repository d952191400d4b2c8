import type { ComponentChildren } from "preact";
import type { Lang, MessageKey } from "./i18n/index.js";
import { Link, navigate, usePath } from "./router.js";
import { useApp } from "./state.js";
import { ErrorNote } from "./ui/feedback.js";
import { useAction } from "./ui/hooks.js";

export interface NavSection {
  title: MessageKey;
  pages: { path: string; label: MessageKey }[];
}

export function Layout({ sections, children }: { sections: NavSection[]; children: ComponentChildren }) {
  const app = useApp();
  const { t } = app;
  const path = usePath();
  const signOut = useAction(async () => {
    await app.client.auth.signOut();
    await app.refreshSession();
    navigate("/sign-in");
  });
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          Segmento
        </Link>
        <Switcher />
        <div class="topbar-end">
          <LanguagePicker />
          <span class="who">{app.user?.email}</span>
          <button type="button" onClick={() => signOut.run()} disabled={signOut.pending}>
            {t("auth.signOut")}
          </button>
        </div>
      </header>
      <div class="body">
        <nav class="sidebar" aria-label={t("nav.label")}>
          {sections
            .filter((section) => section.pages.length > 0)
            .map((section) => (
              <div key={section.title}>
                <p class="nav-title">{t(section.title)}</p>
                <ul>
                  {section.pages.map((page) => (
                    <li key={page.path}>
                      <Link href={page.path} aria-current={page.path === path ? "page" : undefined}>
                        {t(page.label)}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
        </nav>
        <main id="main" tabIndex={-1}>
          <ErrorNote error={signOut.error} />
          <ErrorNote error={app.loadError} />
          {children}
        </main>
      </div>
    </div>
  );
}

/** Pages for signed-out visitors: sign in, sign up, the contact form. */
export function PublicLayout({ children }: { children: ComponentChildren }) {
  const { t } = useApp();
  return (
    <div class="public">
      <header class="public-header">
        <span class="brand">Segmento</span>
        <LanguagePicker />
      </header>
      <main id="main" class="public-main">
        {children}
      </main>
      <footer class="public-footer">
        <Link href="/contact">{t("nav.contact")}</Link>
      </footer>
    </div>
  );
}

function LanguagePicker() {
  const { lang, setLang, t } = useApp();
  return (
    <label class="inline">
      <span class="visually-hidden">{t("nav.language")}</span>
      <select value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
        <option value="en">English</option>
        <option value="tr">Türkçe</option>
      </select>
    </label>
  );
}

/** The organization and project being worked on, and the way to make new ones. */
function Switcher() {
  const app = useApp();
  const { t } = app;
  if (app.organizations.length === 0) return <div class="switcher" />;
  return (
    <div class="switcher">
      <label class="inline">
        <span class="switch-label">{t("switcher.organization")}</span>
        <select
          value={app.organization?.id ?? ""}
          onChange={(e) => {
            const value = e.currentTarget.value;
            if (value === "__new") navigate("/organizations/new");
            else void app.selectOrganization(value);
          }}
        >
          {app.organizations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
          <option value="__new">{t("switcher.newOrganization")}</option>
        </select>
      </label>
      {app.organization && (
        <label class="inline">
          <span class="switch-label">{t("switcher.project")}</span>
          <select
            value={app.project?.id ?? ""}
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (value === "__new") navigate("/projects/new");
              else app.selectProject(value);
            }}
          >
            {app.projects.length === 0 && <option value="">{t("switcher.noProject")}</option>}
            {app.projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            <option value="__new">{t("switcher.newProject")}</option>
          </select>
        </label>
      )}
    </div>
  );
}
