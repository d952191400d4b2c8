import createClient, {
  type Client,
  type ClientPathsWithMethod,
  type FetchOptions,
  type MethodResponse,
  type Middleware,
} from "openapi-fetch";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  errorFromResponse,
  RateLimitError,
  SegmentoError,
} from "./core/errors.js";
import { Jobs } from "./core/jobs.js";
import { Runs } from "./core/runs.js";
import { webhooks } from "./core/webhooks.js";
import type { paths } from "./generated/schema.js";
import { CookieJar } from "./internal/cookies.js";
import { parseRateLimit, type RateLimitState, serverWaitMs } from "./internal/headers.js";
import { isBrowser, linkedController, sleep, uuid } from "./internal/runtime.js";
import { ApiKeys } from "./resources/api-keys.js";
import { Auth } from "./resources/auth.js";
import { Automations } from "./resources/automations.js";
import { Billing } from "./resources/billing.js";
import { Customers } from "./resources/customers.js";
import { Files } from "./resources/files.js";
import { Ingest } from "./resources/ingest.js";
import { Integrations } from "./resources/integrations.js";
import { Organizations } from "./resources/organizations.js";
import { Projects } from "./resources/projects.js";
import { Contact, Health } from "./resources/public.js";
import { Segments } from "./resources/segments.js";

export type { RateLimitState };

export interface ClientOptions {
  /** A project API key (`sk_live_...`), sent as `Authorization: Bearer`. For ingest and the engine routes. */
  apiKey?: string | undefined;
  /** The value of the `better-auth.session_token` cookie, for the session-authenticated routes. */
  sessionToken?: string | undefined;
  /** A whole `Cookie` header to send (server-side session use). */
  cookie?: string | undefined;
  /**
   * An `Origin` header to send. The auth routes refuse cookie POSTs without a trusted Origin; browsers send
   * their own, so set it only on servers.
   */
  origin?: string | undefined;
  /** Default `https://api.segmento.app`. */
  baseUrl?: string | undefined;
  /** A fetch implementation (default `globalThis.fetch`): a proxy agent, a test double, a cookie-aware fetch. */
  fetch?: ((input: Request, init?: RequestInit) => Promise<Response>) | undefined;
  /** Retries after a network error, 408, 409, 429 `rate_limited` or 5xx. Default 2. */
  maxRetries?: number | undefined;
  /** Per attempt, headers and body. Default 60 s. */
  timeoutMs?: number | undefined;
  /** The longest server-requested wait to sleep through; a longer one throws RateLimitError. Default 60 s. */
  maxRetryWaitMs?: number | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Wait for the rate-limit window to reset when the last response said nothing remains. Default false. */
  throttle?: boolean | undefined;
  /** `fetch`'s credentials mode; `"include"` sends the browser's session cookie across origins. */
  credentials?: RequestCredentials | undefined;
  /** Allow an `sk_live_` key in a browser, where every visitor could read it. Default false. */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** Options of any single call. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  /** For POSTs: the Idempotency-Key (default: a fresh UUID per call, kept across its retries). */
  idempotencyKey?: string | undefined;
  headers?: Record<string, string> | undefined;
}

type Method = "get" | "put" | "post" | "patch" | "delete";
type Api = Client<paths>;
type PathFor<M extends Method> = ClientPathsWithMethod<Api, M>;
type Operation<M extends Method, P extends PathFor<M>> = paths[P][M & keyof paths[P]];

/** The settings of one logical call, shared by its attempts. */
interface Call {
  maxRetries: number;
  timeoutMs: number;
  maxRetryWaitMs: number;
  stream: boolean;
  idempotencyKey: string | undefined;
}

const isRetryable = (status: number, code: unknown) =>
  status === 408 || status === 409 || (status === 429 && code !== "quota_exceeded") || status >= 500;

/** Full jitter: a random wait up to 0.5 s doubling per attempt, capped at 8 s. */
const backoffMs = (attempt: number) => Math.random() * Math.min(8000, 500 * 2 ** attempt);

/** The Segmento API client. */
export class Segmento {
  readonly health = new Health(this);
  readonly contact = new Contact(this);
  readonly auth = new Auth(this);
  readonly organizations = new Organizations(this);
  readonly projects = new Projects(this);
  readonly apiKeys = new ApiKeys(this);
  readonly ingest = new Ingest(this);
  readonly files = new Files(this);
  readonly jobs = new Jobs(this);
  readonly runs = new Runs(this);
  readonly segments = new Segments(this);
  readonly customers = new Customers(this);
  readonly integrations = new Integrations(this);
  readonly automations = new Automations(this);
  readonly billing = new Billing(this);
  readonly webhooks = webhooks;

  private readonly api: Api;
  private readonly fetchImpl: NonNullable<ClientOptions["fetch"]>;
  private readonly cookies: CookieJar;
  private readonly options: ClientOptions;
  private lastRateLimit: RateLimitState | undefined;

  constructor(options: ClientOptions = {}) {
    if (options.apiKey?.startsWith("sk_live_") && isBrowser() && !options.dangerouslyAllowBrowser) {
      throw new SegmentoError(
        "Refusing to use an sk_live_ API key in a browser, where anyone can read it: call the API from your " +
          "server, use a session in the browser, or pass dangerouslyAllowBrowser: true if you accept the risk.",
      );
    }
    this.options = options;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const sessionCookie = options.sessionToken && `better-auth.session_token=${options.sessionToken}`;
    this.cookies = new CookieJar([options.cookie, sessionCookie].filter(Boolean).join("; "));
    this.api = createClient<paths>({
      baseUrl: options.baseUrl ?? "https://api.segmento.app",
      headers: options.headers,
      ...(options.credentials && { credentials: options.credentials }),
    });
  }

  /** The rate-limit window as of the last response: `{ limit, remaining, resetAt }`. */
  get rateLimit(): RateLimitState | undefined {
    return this.lastRateLimit;
  }

  /** openapi-fetch middleware; it sees each call once, however many attempts the call takes. */
  use(...middleware: Middleware[]): void {
    this.api.use(...middleware);
  }

  /**
   * The one request loop every method goes through, typed by the contract: auth, Idempotency-Key, retries,
   * timeouts, typed errors. Resolves with the parsed body of a 2xx; throws a SegmentoError otherwise.
   */
  async request<M extends Method, P extends PathFor<M>>(
    method: M,
    path: P,
    init: FetchOptions<Operation<M, P>>,
    options: RequestOptions = {},
  ): Promise<MethodResponse<Api, M, P>> {
    const idempotencyKey = options.idempotencyKey ?? (method === "post" ? uuid() : undefined);
    const call = this.call(options, init.parseAs === "stream", idempotencyKey);
    const send = this.api.request as unknown as (
      method: Method,
      path: string,
      init: object,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    const cookie = this.cookies.header();
    const { data, error, response } = await send(method, path, {
      ...init,
      headers: {
        ...(this.options.apiKey && { Authorization: `Bearer ${this.options.apiKey}` }),
        ...(cookie && { Cookie: cookie }),
        ...(this.options.origin && { Origin: this.options.origin }),
        ...(idempotencyKey && { "Idempotency-Key": idempotencyKey }),
        ...(init.headers as Record<string, string> | undefined),
        ...options.headers,
      },
      signal: options.signal,
      fetch: (request: Request) => this.fetchWithRetries(request, call),
    });
    if (!response.ok) throw errorFromResponse(response, error, idempotencyKey);
    return data as MethodResponse<Api, M, P>;
  }

  private call(options: RequestOptions, stream: boolean, idempotencyKey: string | undefined): Call {
    return {
      maxRetries: options.maxRetries ?? this.options.maxRetries ?? 2,
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 60_000,
      maxRetryWaitMs: this.options.maxRetryWaitMs ?? 60_000,
      stream,
      idempotencyKey,
    };
  }

  /** Attempts one logical request until it succeeds, fails for good, or runs out of retries. */
  private async fetchWithRetries(request: Request, call: Call): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      await this.waitForWindow(request.signal, call);
      let response: Response;
      try {
        // A fresh copy per attempt: a body can be read only once.
        response = await this.attempt(request.clone(), call);
      } catch (error) {
        if (!(error instanceof APIConnectionError) || attempt >= call.maxRetries) throw error;
        await sleep(backoffMs(attempt), request.signal);
        continue;
      }
      this.lastRateLimit = parseRateLimit(response.headers) ?? this.lastRateLimit;
      this.cookies.update(response.headers);
      if (response.ok || attempt >= call.maxRetries) return response;
      const code = response.status === 429 ? await errorCode(response) : undefined;
      if (!isRetryable(response.status, code)) return response;
      const hinted = serverWaitMs(response.headers, response.status);
      // Too long to sleep through: hand the response back, and the caller throws (RateLimitError for a 429).
      if (hinted !== undefined && hinted > call.maxRetryWaitMs) return response;
      await sleep(hinted ?? backoffMs(attempt), request.signal);
    }
  }

  /** One attempt under its own timeout. Bodies are read here, so the timeout and retries cover them too. */
  private async attempt(request: Request, call: Call): Promise<Response> {
    const controller = linkedController(request.signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, call.timeoutMs);
    const fields = { idempotencyKey: call.idempotencyKey };
    try {
      const response = await this.fetchImpl(request, { signal: controller.signal });
      if (call.stream && response.ok) return response;
      const { status, statusText, headers } = response;
      const body = status === 204 || status === 205 || status === 304 ? null : await response.arrayBuffer();
      return new Response(body, { status, statusText, headers });
    } catch (error) {
      if (request.signal.aborted) throw new APIUserAbortError(undefined, { ...fields, cause: error });
      if (timedOut) {
        throw new APIConnectionTimeoutError(`Request timed out after ${call.timeoutMs} ms`, {
          ...fields,
          cause: error,
        });
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new APIConnectionError(`Connection error: ${reason}`, { ...fields, cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** With `throttle`, waits out a used-up window instead of spending a request on a 429. */
  private async waitForWindow(signal: AbortSignal, call: Call): Promise<void> {
    const window = this.lastRateLimit;
    if (!this.options.throttle || window?.remaining !== 0 || !window.resetAt) return;
    const waitMs = window.resetAt.getTime() - Date.now();
    if (waitMs <= 0) return;
    if (waitMs > call.maxRetryWaitMs) {
      throw new RateLimitError(`Rate limit used up until ${window.resetAt.toISOString()}`, {
        code: "rate_limited",
        retryAfterMs: waitMs,
        resetAt: window.resetAt,
        idempotencyKey: call.idempotencyKey,
      });
    }
    await sleep(waitMs, signal);
  }
}

async function errorCode(response: Response): Promise<unknown> {
  const body = await response
    .clone()
    .json()
    .catch(() => undefined);
  return (body as { code?: unknown } | undefined)?.code;
}
