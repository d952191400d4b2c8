import createClient, { type Client } from "openapi-fetch";
import { APIPromise, type RawCall } from "./core/api-promise.js";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
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
import { isLogLevel, type Log, type Logger, type LogLevel, makeLog } from "./internal/log.js";
import type {
  CallInit,
  Method,
  Middleware,
  Operation,
  OperationResponse,
  PathFor,
} from "./internal/request-types.js";
import { isBrowser, linkedController, readEnv, sleep, uuid } from "./internal/runtime.js";
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
import { VERSION } from "./version.js";

export type { Logger, LogLevel, RateLimitState };

export interface ClientOptions {
  /**
   * A project API key (`sk_live_...`), sent as `Authorization: Bearer`. For ingest and the engine routes.
   * Default: the `SEGMENTO_API_KEY` environment variable, unless a `sessionToken` or `cookie` is given.
   */
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
  /** The API's address. Default: the `SEGMENTO_BASE_URL` environment variable, else `https://api.segmento.app`. */
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
  credentials?: "omit" | "same-origin" | "include" | undefined;
  /** Allow an `sk_live_` key in a browser, where every visitor could read it. Default false. */
  dangerouslyAllowBrowser?: boolean | undefined;
  /**
   * What the client logs: `off`, `error`, `warn`, `info` (retries and waits) or `debug` (every request and
   * response, without headers or bodies). Default: the `SEGMENTO_LOG` environment variable, else `warn`.
   */
  logLevel?: LogLevel | undefined;
  /** Where log lines go. Default `console`. */
  logger?: Logger | undefined;
}

/** Options of any single call, its last argument; they override the client's options for this call. */
export interface RequestOptions {
  /** Cancels the call (its retries and waits too): it throws APIUserAbortError. */
  signal?: AbortSignal | undefined;
  /** Per attempt, headers and body. Default: the client's `timeoutMs` (60 s). */
  timeoutMs?: number | undefined;
  /** Retries of this call. Default: the client's `maxRetries` (2). */
  maxRetries?: number | undefined;
  /** For POSTs: the Idempotency-Key (default: a fresh UUID per call, kept across its retries). */
  idempotencyKey?: string | undefined;
  /** Headers of this call, over the client's. */
  headers?: Record<string, string> | undefined;
}

type Api = Client<paths>;

/** The settings of one logical call, shared by its attempts. */
interface Call {
  maxRetries: number;
  timeoutMs: number;
  maxRetryWaitMs: number;
  stream: boolean;
  idempotencyKey: string | undefined;
  /** `GET /api/...`, for log lines and error messages. */
  label: string;
}

/** Routes that need no credentials (the rest need a key or a session, and ingest a key). */
const PUBLIC_PATH = /^\/api\/(health|contact|plans|auth\/|stripe\/)/;
const KEY_ONLY_PATH = /^\/api\/v1\//;

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
  private cookies: CookieJar;
  private readonly given: ClientOptions;
  private readonly options: ClientOptions;
  private readonly middleware: Middleware[] = [];
  private readonly log: Log;
  private lastRateLimit: RateLimitState | undefined;

  /**
   * A client. With no options it reads `SEGMENTO_API_KEY` and `SEGMENTO_BASE_URL` from the environment
   * (where there is one: not in browsers).
   *
   * @example
   * ```ts
   * const segmento = new Segmento(); // SEGMENTO_API_KEY, SEGMENTO_BASE_URL
   * const local = new Segmento({ apiKey: "sk_live_...", baseUrl: "http://localhost:3001", logLevel: "debug" });
   * ```
   */
  constructor(given: ClientOptions = {}) {
    this.given = given;
    const options = {
      ...given,
      apiKey: given.apiKey ?? (given.sessionToken || given.cookie ? undefined : readEnv("SEGMENTO_API_KEY")),
      baseUrl: given.baseUrl ?? readEnv("SEGMENTO_BASE_URL") ?? "https://api.segmento.app",
    };
    if (options.apiKey?.startsWith("sk_live_") && isBrowser() && !options.dangerouslyAllowBrowser) {
      throw new SegmentoError(
        "Refusing to use an sk_live_ API key in a browser, where anyone can read it: call the API from your " +
          "server, use a session in the browser, or pass dangerouslyAllowBrowser: true if you accept the risk.",
      );
    }
    this.options = options;
    const envLevel = readEnv("SEGMENTO_LOG")?.toLowerCase();
    this.log = makeLog(
      options.logLevel ?? (isLogLevel(envLevel) ? envLevel : "warn"),
      options.logger ?? globalThis.console,
    );
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const sessionCookie = options.sessionToken && `better-auth.session_token=${options.sessionToken}`;
    this.cookies = new CookieJar([options.cookie, sessionCookie].filter(Boolean).join("; "));
    this.api = createClient<paths>({
      baseUrl: options.baseUrl,
      headers: options.headers,
      ...(options.credentials && { credentials: options.credentials }),
    });
  }

  /** The rate-limit window as of the last response: `{ limit, remaining, resetAt }`. */
  get rateLimit(): RateLimitState | undefined {
    return this.lastRateLimit;
  }

  /**
   * Adds openapi-fetch middleware; it sees each call once, however many attempts the call takes.
   *
   * @example
   * ```ts
   * segmento.use({ onRequest: ({ request }) => void request.headers.set("X-Trace", traceId) });
   * ```
   */
  use(...middleware: Middleware[]): void {
    this.middleware.push(...middleware);
    this.api.use(...middleware);
  }

  /**
   * A client with these options over this one's, sharing its session cookie and middleware.
   *
   * @example
   * ```ts
   * const patient = segmento.withOptions({ timeoutMs: 300_000, maxRetries: 5 });
   * ```
   */
  withOptions(options: ClientOptions): Segmento {
    const client = new Segmento({ ...this.given, ...options });
    client.cookies = this.cookies;
    if (this.middleware.length > 0) client.use(...this.middleware);
    return client;
  }

  /**
   * The one request loop every method goes through, typed by the contract: auth, Idempotency-Key, retries,
   * timeouts, typed errors. Resolves with the parsed body of a 2xx; throws a SegmentoError otherwise.
   *
   * @example
   * ```ts
   * const project = await segmento.request("get", "/api/projects/{id}", { params: { path: { id } } });
   * ```
   */
  request<M extends Method, P extends PathFor<M>>(
    method: M,
    path: P,
    init: CallInit<Operation<M, P>>,
    options: RequestOptions = {},
  ): APIPromise<OperationResponse<Operation<M, P>>> {
    return new APIPromise(this.send(method, path, init, options));
  }

  private async send<M extends Method, P extends PathFor<M>>(
    method: M,
    path: P,
    init: CallInit<Operation<M, P>>,
    options: RequestOptions,
  ): Promise<RawCall<OperationResponse<Operation<M, P>>>> {
    const headers = {
      ...this.options.headers,
      ...(init.headers as Record<string, string> | undefined),
      ...options.headers,
    };
    this.checkCredentials(method, path, headers);
    const idempotencyKey = options.idempotencyKey ?? (method === "post" ? uuid() : undefined);
    const label = `${method.toUpperCase()} ${path}`;
    const call = this.call(options, init.parseAs === "stream", idempotencyKey, label);
    const send = this.api.request as unknown as (
      method: Method,
      path: string,
      init: object,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    const cookie = this.cookies.header();
    let raw: Response | undefined;
    const { data, error, response } = await send(method, path, {
      ...init,
      headers: {
        "X-Segmento-Client": `@segmento/sdk ${VERSION}`,
        // Browsers set their own User-Agent.
        ...(!isBrowser() && { "User-Agent": `segmento-sdk-js/${VERSION}` }),
        ...(this.options.apiKey && { Authorization: `Bearer ${this.options.apiKey}` }),
        ...(cookie && { Cookie: cookie }),
        ...(this.options.origin && { Origin: this.options.origin }),
        ...(idempotencyKey && { "Idempotency-Key": idempotencyKey }),
        ...headers,
      },
      signal: options.signal,
      fetch: async (request: Request) => {
        const answer = await this.fetchWithRetries(request, call);
        // An unread copy for asResponse(); a stream is handed over as it is.
        raw = call.stream ? answer : answer.clone();
        return answer;
      },
    });
    if (!response.ok) throw errorFromResponse(response, error, idempotencyKey);
    return { response: raw ?? response, data: () => data as OperationResponse<Operation<M, P>> };
  }

  /** Says before sending, rather than after a 401, that no credentials the client has fit the route. */
  private checkCredentials(method: Method, path: string, headers: Record<string, string>): void {
    if (PUBLIC_PATH.test(path) || this.middleware.length > 0) return;
    if (Object.keys(headers).some((name) => /^(authorization|cookie)$/i.test(name))) return;
    const label = `${method.toUpperCase()} ${path}`;
    if (KEY_ONLY_PATH.test(path)) {
      if (this.options.apiKey) return;
      throw new AuthenticationError(
        `${label} needs a project API key (sk_live_...): pass apiKey to new Segmento() or set SEGMENTO_API_KEY. ` +
          "A session does not work for this route.",
      );
    }
    // In a browser the browser sends its own session cookie.
    if (this.options.apiKey || this.cookies.header() || isBrowser()) return;
    throw new AuthenticationError(
      `${label} needs credentials and the client has none: pass apiKey (or set SEGMENTO_API_KEY) for a ` +
        "project API key, or sign in with auth.signIn() or pass sessionToken / cookie for a session.",
    );
  }

  private call(
    options: RequestOptions,
    stream: boolean,
    idempotencyKey: string | undefined,
    label: string,
  ): Call {
    return {
      label,
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
      const started = Date.now();
      this.log("debug", `${call.label} sending`, { attempt: attempt + 1 });
      try {
        // A fresh copy per attempt: a body can be read only once.
        response = await this.attempt(request.clone(), call, attempt);
      } catch (error) {
        if (!(error instanceof APIConnectionError) || attempt >= call.maxRetries) throw error;
        const waitMs = backoffMs(attempt);
        this.log("info", `${call.label} retrying after: ${error.message}`, { attempt: attempt + 1, waitMs });
        await sleep(waitMs, request.signal);
        continue;
      }
      const requestId = response.headers.get("x-request-id") ?? undefined;
      this.log("debug", `${call.label} answered ${response.status}`, { ms: Date.now() - started, requestId });
      this.lastRateLimit = parseRateLimit(response.headers) ?? this.lastRateLimit;
      this.cookies.update(response.headers);
      if (response.ok || attempt >= call.maxRetries) return response;
      // The server's word on retrying comes first; then the status (and a 429's code) decides.
      const shouldRetry = response.headers.get("x-should-retry");
      if (shouldRetry === "false") return response;
      if (shouldRetry !== "true") {
        const code = response.status === 429 ? await errorCode(response) : undefined;
        if (!isRetryable(response.status, code)) return response;
      }
      const hinted = serverWaitMs(response.headers, response.status);
      // Too long to sleep through: hand the response back, and the caller throws (RateLimitError for a 429).
      if (hinted !== undefined && hinted > call.maxRetryWaitMs) return response;
      const waitMs = hinted ?? backoffMs(attempt);
      this.log("info", `${call.label} retrying after ${response.status}`, {
        attempt: attempt + 1,
        waitMs,
        requestId,
      });
      await sleep(waitMs, request.signal);
    }
  }

  /** One attempt under its own timeout. Bodies are read here, so the timeout and retries cover them too. */
  private async attempt(request: Request, call: Call, attempt: number): Promise<Response> {
    const controller = linkedController(request.signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, call.timeoutMs);
    const fields = { idempotencyKey: call.idempotencyKey };
    const attempts = `${attempt + 1} attempt${attempt === 0 ? "" : "s"}`;
    try {
      const response = await this.fetchImpl(request, { signal: controller.signal });
      if (call.stream && response.ok) return response;
      const { status, statusText, headers } = response;
      const body = status === 204 || status === 205 || status === 304 ? null : await response.arrayBuffer();
      return new Response(body, { status, statusText, headers });
    } catch (error) {
      if (request.signal.aborted) throw new APIUserAbortError(undefined, { ...fields, cause: error });
      if (timedOut) {
        throw new APIConnectionTimeoutError(
          `${call.label} timed out after ${call.timeoutMs} ms (${attempts}, each with timeoutMs ${call.timeoutMs})`,
          { ...fields, cause: error },
        );
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new APIConnectionError(`${call.label}: connection error: ${reason} (${attempts})`, {
        ...fields,
        cause: error,
      });
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
    this.log("info", `${call.label} waiting ${waitMs} ms for the rate-limit window to reset`);
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
