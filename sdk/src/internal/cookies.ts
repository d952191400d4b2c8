/**
 * The cookies of one API origin, for server-side session use: sign-in's `Set-Cookie` is kept and sent back,
 * sign-out's expired cookie removes it. Browsers keep cookies themselves and hide `Set-Cookie`, so there it
 * stays empty.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  constructor(cookieHeader?: string) {
    for (const pair of cookieHeader?.split(";") ?? []) this.set(pair);
  }

  /** Takes the `Set-Cookie` headers of a response. */
  update(headers: Headers): void {
    const all =
      headers.getSetCookie?.() ??
      // Older fetch implementations join them with ", "; an Expires date's comma is not followed by `name=`.
      (headers.get("set-cookie")?.split(/,(?=\s*[^;,=\s]+=)/) || []);
    for (const cookie of all) {
      const [pair = "", ...attributes] = cookie.split(";");
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a));
      this.set(pair, expired);
    }
  }

  private set(pair: string, expired = false): void {
    const at = pair.indexOf("=");
    if (at <= 0) return;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (expired || value === "") this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  /** The `Cookie` request header, or undefined when there is nothing to send. */
  header(): string | undefined {
    return this.cookies.size
      ? [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ")
      : undefined;
  }
}
