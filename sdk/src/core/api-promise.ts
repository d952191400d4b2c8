/** A result with the id the server gave its request (`X-Request-Id`): quote it to support. */
export type WithRequestId<T> = T extends object ? T & { readonly requestId?: string | undefined } : T;

/** What `withResponse()` resolves with: the parsed body, the raw response and the request id. */
export interface ResponseWithData<T> {
  data: WithRequestId<T>;
  /** The HTTP response; its body has been read (for the raw body, use `asResponse()`). */
  response: Response;
  /** The server's `X-Request-Id` for this call. */
  requestId: string | undefined;
}

/** The outcome of one call before parsing: the raw response and how to read its data. */
export interface RawCall<T> {
  response: Response;
  data: () => T;
}

/**
 * The result of every call: a real Promise of the parsed body (`requestId` set on objects, not enumerable), which
 * also gives the response: `.withResponse()` for `{ data, response, requestId }`, `.asResponse()` for the raw
 * `Response` with its body unread.
 */
export class APIPromise<T> extends Promise<WithRequestId<T>> {
  private parsed: Promise<WithRequestId<T>> | undefined;

  /** @internal The response and how to read its data (lists build their pages from it). */
  readonly rawCall: Promise<RawCall<T>>;

  constructor(call: Promise<RawCall<T>>) {
    // The executor's value is never seen: then/catch/finally read `parse()` instead.
    super((resolve) => resolve(null as WithRequestId<T>));
    this.rawCall = call;
  }

  /** Subclass-made promises (from `then`) are plain Promises. */
  static override get [Symbol.species]() {
    return Promise;
  }

  /**
   * The parsed body with the raw response and the request id.
   *
   * @example
   * ```ts
   * const { data: project, response, requestId } = await segmento.projects.get(id).withResponse();
   * console.log(response.headers.get("ratelimit-remaining"), requestId);
   * ```
   */
  async withResponse(): Promise<ResponseWithData<T>> {
    const [data, { response }] = await Promise.all([this.parse(), this.rawCall]);
    return { data, response, requestId: requestIdOf(response) };
  }

  /**
   * The raw `Response` (status, headers, body unread), for a body you want to read yourself.
   *
   * @example
   * ```ts
   * const response = await segmento.projects.get(id).asResponse();
   * console.log(response.status, await response.text());
   * ```
   */
  async asResponse(): Promise<Response> {
    return (await this.rawCall).response;
  }

  private parse(): Promise<WithRequestId<T>> {
    this.parsed ??= this.rawCall.then(({ response, data }) => withRequestId(data(), requestIdOf(response)));
    return this.parsed;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass reads its parsed body here.
  override then<A = WithRequestId<T>, B = never>(
    onFulfilled?: ((value: WithRequestId<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.parse().then(onFulfilled, onRejected);
  }

  override catch<B = never>(
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<WithRequestId<T> | B> {
    return this.parse().catch(onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<WithRequestId<T>> {
    return this.parse().finally(onFinally);
  }
}

export const requestIdOf = (response: Response): string | undefined =>
  response.headers.get("x-request-id") ?? undefined;

/** Sets `requestId` on an object result without making it part of its JSON or its keys. */
function withRequestId<T>(data: T, requestId: string | undefined): WithRequestId<T> {
  if (typeof data === "object" && data !== null && Object.isExtensible(data)) {
    Object.defineProperty(data, "requestId", { value: requestId, enumerable: false, configurable: true });
  }
  return data as WithRequestId<T>;
}
