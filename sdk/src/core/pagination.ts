import { APIPromise } from "./api-promise.js";
import { SegmentoError } from "./errors.js";

/** The envelope of a page-numbered list: `{ <items>, total, page, pages }`. */
export interface Paged {
  total: number;
  page: number;
  pages: number;
}

/** What every awaited page of a list can do besides holding its items (methods, not enumerable). */
export interface PageMethods<Page extends object, Item, Cursor = number> {
  /** Whether there is a page after this one. */
  hasNextPage(): boolean;
  /** The page after this one, with the same query; throws when there is none (check `hasNextPage()`). */
  getNextPage(): PagePromise<Page, Item, Cursor>;
  /** This page and every page after it, one request at a time. */
  iterPages(): AsyncGenerator<ListPage<Page, Item, Cursor>, void, undefined>;
}

/** An awaited page of a list: its JSON body with the page methods. */
export type ListPage<Page extends object, Item, Cursor = number> = Page & PageMethods<Page, Item, Cursor>;

/** The next page number of a page-numbered list, or undefined after the last page. */
export const nextPageNumber = (page: Paged): number | undefined =>
  page.page < page.pages ? page.page + 1 : undefined;

/**
 * A list call: a real Promise of its first page (`await` it), and an async iterable of every item of every page
 * (`for await`), fetched one page at a time with the same query. How a list moves on is `next`: a page number
 * today, a cursor (`starting_after`) for lists that have one; nothing else changes.
 *
 * @example
 * ```ts
 * const first = await segmento.customers.list(projectId, { limit: 100 });
 * if (first.hasNextPage()) console.log((await first.getNextPage()).page);
 * for await (const customer of segmento.customers.list(projectId, { churn_risk: "high" })) console.log(customer.id);
 * ```
 */
export class PagePromise<Page extends object, Item, Cursor = number>
  extends APIPromise<ListPage<Page, Item, Cursor>>
  implements AsyncIterable<Item>
{
  private readonly list: ListSource<Page, Item, Cursor>;

  constructor(
    fetchPage: (cursor: Cursor) => APIPromise<Page>,
    itemsOf: (page: Page) => Item[],
    first: Cursor,
    next: (page: Page) => Cursor | undefined,
  ) {
    const list: ListSource<Page, Item, Cursor> = { fetchPage, itemsOf, next };
    super(
      fetchPage(first).rawCall.then(({ response, data }) => ({
        response,
        data: () => withPageMethods(list, data()),
      })),
    );
    this.list = list;
  }

  /** Every page from this one on, one request at a time. */
  async *iterPages(): AsyncGenerator<ListPage<Page, Item, Cursor>, void, undefined> {
    yield* (await this).iterPages();
  }

  /** Every item of every page from this one on. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.iterPages()) yield* this.list.itemsOf(page);
  }

  /**
   * Every item (or the first `limit`), fetching only the pages needed.
   *
   * @example
   * ```ts
   * const top10 = await segmento.customers.list(projectId, { sort_by: "predicted_clv" }).toArray({ limit: 10 });
   * ```
   */
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

interface ListSource<Page extends object, Item, Cursor> {
  fetchPage: (cursor: Cursor) => APIPromise<Page>;
  itemsOf: (page: Page) => Item[];
  next: (page: Page) => Cursor | undefined;
}

function withPageMethods<Page extends object, Item, Cursor>(
  list: ListSource<Page, Item, Cursor>,
  page: Page,
): ListPage<Page, Item, Cursor> {
  // An empty page ends a list whatever its envelope says.
  const nextCursor = () => (list.itemsOf(page).length === 0 ? undefined : list.next(page));
  const methods: PageMethods<Page, Item, Cursor> = {
    hasNextPage: () => nextCursor() !== undefined,
    getNextPage: () => {
      const cursor = nextCursor();
      if (cursor === undefined) throw new SegmentoError("This is the last page: check hasNextPage() first.");
      return new PagePromise(list.fetchPage, list.itemsOf, cursor, list.next);
    },
    async *iterPages() {
      let current = page as ListPage<Page, Item, Cursor>;
      for (;;) {
        yield current;
        if (!current.hasNextPage()) return;
        current = await current.getNextPage();
      }
    },
  };
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(page, name, { value, enumerable: false, configurable: true });
  }
  return page as ListPage<Page, Item, Cursor>;
}
