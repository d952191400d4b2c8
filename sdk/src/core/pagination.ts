/** The envelope of a paged list: `{ <items>, total, page, pages }` (`page` is null for a page asked by cursor). */
export interface Paged {
  total: number;
  page: number | null;
  pages: number;
}

/** The page after `page`, or undefined after the last one. */
export type NextPage<Page> = (page: Page) => Promise<Page> | undefined;

/**
 * A paged list call: `await` it for the first page, or iterate it with `for await` for every item of every page
 * (fetched one page at a time, with the same filters). `toArray({ limit })` collects items.
 */
export class PagePromise<Page extends Paged, Item> implements PromiseLike<Page>, AsyncIterable<Item> {
  private first: Promise<Page> | undefined;

  constructor(
    private readonly fetchPage: (page: number) => Promise<Page>,
    private readonly itemsOf: (page: Page) => Item[],
    private readonly startPage = 1,
    /** How to fetch the page after one; by default the next page number. Cursor lists follow `next_cursor`. */
    private readonly nextPage: NextPage<Page> = (page) =>
      page.page === null || page.page >= page.pages ? undefined : fetchPage(page.page + 1),
  ) {}

  private firstPage(): Promise<Page> {
    this.first ??= this.fetchPage(this.startPage);
    return this.first;
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is awaitable by design.
  then<A = Page, B = never>(
    onFulfilled?: ((page: Page) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.firstPage().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page | B> {
    return this.firstPage().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<Page> {
    return this.firstPage().finally(onFinally);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    let page = await this.firstPage();
    for (;;) {
      const items = this.itemsOf(page);
      yield* items;
      const next = items.length === 0 ? undefined : this.nextPage(page);
      if (!next) return;
      page = await next;
    }
  }

  /** Every item (or the first `limit`), fetching only the pages needed. */
  async toArray({ limit = Number.POSITIVE_INFINITY }: { limit?: number } = {}): Promise<Item[]> {
    const items: Item[] = [];
    if (limit <= 0) return items;
    for await (const item of this) {
      items.push(item);
      if (items.length >= limit) break;
    }
    return items;
  }
}
