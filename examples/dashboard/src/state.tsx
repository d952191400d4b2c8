import { type Schema, Segmento } from "@segmento/sdk";
import { type ComponentChildren, createContext } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";
import {
  type Formats,
  formats,
  initialLang,
  type Lang,
  saveLang,
  type Translate,
  translator,
} from "./i18n/index.js";

type User = Schema<"User">;
type Organization = Schema<"Organization">;
type Project = Schema<"Project">;

export interface AppState {
  /** The SDK client: same origin, so the browser sends the session cookie; errors come in the UI's language. */
  client: Segmento;
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  fmt: Formats;
  /** undefined while the session is being read; null when signed out. */
  user: User | null | undefined;
  refreshSession(): Promise<void>;
  organizations: Organization[];
  organization: Organization | undefined;
  projects: Project[];
  project: Project | undefined;
  /** Reads the organizations and their projects again, then selects `select` when given. */
  reload(select?: { organizationId?: string; projectId?: string }): Promise<void>;
  selectOrganization(id: string): Promise<void>;
  selectProject(id: string): void;
  /** An error while loading the session or the switcher, shown in the layout. */
  loadError: unknown;
}

const AppContext = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error("useApp outside <AppProvider>");
  return state;
}

const ORG_KEY = "segmento.organization";
/**
 * Set while this browser has a session (the session cookie itself is httpOnly): without it a visitor sees the
 * sign-in page at once, while the session check runs behind it, instead of a spinner for a round trip.
 */
const SIGNED_IN_KEY = "segmento.signedIn";
const PROJECT_KEY = "segmento.project";

export function makeClient(lang: Lang): Segmento {
  return new Segmento({
    baseUrl: window.location.origin,
    headers: { "Accept-Language": lang },
    maxRetries: 1,
  });
}

export function AppProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const client = useMemo(() => makeClient(lang), [lang]);
  const t = useMemo(() => translator(lang), [lang]);
  const fmt = useMemo(() => formats(lang), [lang]);
  const [user, setUserState] = useState<User | null | undefined>(() =>
    localStorage.getItem(SIGNED_IN_KEY) ? undefined : null,
  );
  const setUser = useCallback((next: User | null) => {
    if (next) localStorage.setItem(SIGNED_IN_KEY, "1");
    else localStorage.removeItem(SIGNED_IN_KEY);
    setUserState(next);
  }, []);
  const [organizations, setOrganizations] = useState<Organization[]>([]);
  const [projects, setProjects] = useState<Project[]>([]);
  const [organizationId, setOrganizationId] = useState<string | null>(() => localStorage.getItem(ORG_KEY));
  const [projectId, setProjectId] = useState<string | null>(() => localStorage.getItem(PROJECT_KEY));
  const [loadError, setLoadError] = useState<unknown>(undefined);

  const loadProjects = useCallback(
    async (orgId: string, wanted?: string | null) => {
      const { projects: list } = await client.projects.list(orgId);
      setProjects(list);
      const chosen = list.find((p) => p.id === wanted) ?? list[0];
      setProjectId(chosen?.id ?? null);
      if (chosen) localStorage.setItem(PROJECT_KEY, chosen.id);
    },
    [client],
  );

  const reload = useCallback(
    async (select: { organizationId?: string; projectId?: string } = {}) => {
      try {
        setLoadError(undefined);
        const { organizations: list } = await client.organizations.list();
        setOrganizations(list);
        const wantedOrg = select.organizationId ?? localStorage.getItem(ORG_KEY);
        const chosen = list.find((o) => o.id === wantedOrg) ?? list[0];
        setOrganizationId(chosen?.id ?? null);
        if (!chosen) {
          setProjects([]);
          setProjectId(null);
          return;
        }
        localStorage.setItem(ORG_KEY, chosen.id);
        await loadProjects(chosen.id, select.projectId ?? localStorage.getItem(PROJECT_KEY));
      } catch (error) {
        setLoadError(error);
      }
    },
    [client, loadProjects],
  );

  const refreshSession = useCallback(async () => {
    try {
      setLoadError(undefined);
      const session = await client.auth.getSession();
      setUser(session?.user ?? null);
      if (session?.user) await reload();
    } catch (error) {
      setUser(null);
      setLoadError(error);
    }
  }, [client, reload, setUser]);
  useEffect(() => {
    saveLang(lang);
    void refreshSession();
  }, []);

  const state: AppState = {
    client,
    lang,
    setLang: (next) => {
      saveLang(next);
      setLangState(next);
    },
    t,
    fmt,
    user,
    refreshSession,
    organizations,
    organization: organizations.find((o) => o.id === organizationId),
    projects,
    project: projects.find((p) => p.id === projectId),
    reload,
    selectOrganization: async (id) => {
      localStorage.setItem(ORG_KEY, id);
      setOrganizationId(id);
      try {
        await loadProjects(id);
      } catch (error) {
        setLoadError(error);
      }
    },
    selectProject: (id) => {
      localStorage.setItem(PROJECT_KEY, id);
      setProjectId(id);
    },
    loadError,
  };
  return <AppContext.Provider value={state}>{children}</AppContext.Provider>;
}
