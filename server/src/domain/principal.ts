/** Who is calling: a signed-in user, a project's API key, the operator's metrics scraper, or nobody (public operations). */
export type Principal =
  | { kind: "session"; userId: string; sessionId: string; activeOrganizationId: string | null }
  | { kind: "apiKey"; keyId: string; projectId: string }
  | { kind: "scraper" }
  | { kind: "public" };
