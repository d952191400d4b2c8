/**
 * @segmento/sdk as the TypeScript Run buttons use it: whatever base URL and Origin a snippet passes, the client
 * calls the server that serves these pages, with the reader's session cookie. A snippet's API key is kept (the
 * ingest API needs one); it is the reader's own key, in the reader's own browser, on their own server.
 */
import { type ClientOptions, Segmento as SdkClient } from "@segmento/sdk";

export * from "@segmento/sdk";

export class Segmento extends SdkClient {
  constructor(options: ClientOptions = {}) {
    super({
      ...options,
      baseUrl: window.location.origin,
      origin: undefined,
      credentials: "same-origin",
      dangerouslyAllowBrowser: true,
    });
  }
}
