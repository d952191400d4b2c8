import type { FilterDocument, Query, Schema } from "@segmento/sdk";
import { useState } from "preact/hooks";
import type { MessageKey } from "../i18n/index.js";
import { fromDocument, toDocument } from "../lib/filters.js";
import { Link } from "../router.js";
import { useApp } from "../state.js";
import { Async, Empty, ErrorNote, Loading } from "../ui/feedback.js";
import { FilterBuilder } from "../ui/filter-builder.js";
import { Form } from "../ui/forms.js";
import { useLoad } from "../ui/hooks.js";
import { Pager } from "../ui/pager.js";
import { Stat } from "../ui/table.js";

type Customer = Schema<"Customer">;
type SortBy = NonNullable<Query<"listCustomers">["sort_by"]>;
const PAGE_SIZES = [25, 50, 100];

export function CustomersPage() {
  const { client, project, t, fmt } = useApp();
  const [draft, setDraft] = useState(() => fromDocument([]));
  const [filters, setFilters] = useState<FilterDocument>([]);
  const [sortBy, setSortBy] = useState<SortBy>("rfm_monetary");
  const [sortDir, setSortDir] = useState<"asc" | "desc">("desc");
  const [page, setPage] = useState(1);
  const [limit, setLimit] = useState(25);
  const [open, setOpen] = useState<Customer | undefined>(undefined);
  const list = useLoad(
    () =>
      client.customers.list(project!.id, {
        sort_by: sortBy,
        sort_dir: sortDir,
        page,
        limit,
        ...(filters.length > 0 && { filters }),
      }),
    [project!.id, sortBy, sortDir, page, limit, JSON.stringify(filters)],
  );
  const sort = (field: SortBy) => {
    if (field === sortBy) setSortDir(sortDir === "desc" ? "asc" : "desc");
    else {
      setSortBy(field);
      setSortDir("desc");
    }
    setPage(1);
  };
  const currency = project!.settings.currency;
  const header = (field: SortBy, label: MessageKey, numeric = true) => (
    <th
      scope="col"
      class={numeric ? "num" : undefined}
      aria-sort={sortBy === field ? (sortDir === "asc" ? "ascending" : "descending") : "none"}
    >
      <button type="button" class="sort" onClick={() => sort(field)}>
        {t(label)}
        <span aria-hidden="true">{sortBy === field ? (sortDir === "asc" ? " ▲" : " ▼") : ""}</span>
      </button>
    </th>
  );

  return (
    <>
      <h1>{t("nav.customers")}</h1>
      <section class="card" aria-labelledby="filter-title">
        <h2 id="filter-title">{t("customers.filters")}</h2>
        <Form
          onSubmit={() => {
            setFilters(toDocument(draft));
            setPage(1);
          }}
        >
          <FilterBuilder value={draft} onChange={setDraft} />
          <div class="row">
            <button type="submit" class="primary">
              {t("customers.apply")}
            </button>
            <button
              type="button"
              onClick={() => {
                setDraft(fromDocument([]));
                setFilters([]);
                setPage(1);
              }}
            >
              {t("customers.clear")}
            </button>
          </div>
        </Form>
      </section>
      <div class={open ? "with-panel" : undefined}>
        <section class="card" aria-labelledby="customers-title">
          <div class="row spread">
            <h2 id="customers-title">
              {list.data ? t("customers.count", { count: fmt.number(list.data.total) }) : t("nav.customers")}
            </h2>
            <label class="inline">
              <span>{t("customers.perPage")}</span>
              <select
                value={String(limit)}
                onChange={(e) => {
                  setLimit(Number(e.currentTarget.value));
                  setPage(1);
                }}
              >
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={String(n)}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {list.error !== undefined && <ErrorNote error={list.error} />}
          {list.loading && <Loading />}
          {list.data && list.data.total === 0 && !list.loading && (
            <Empty title={filters.length > 0 ? t("customers.noMatch") : t("customers.none")}>
              {filters.length > 0 ? (
                <p>{t("customers.noMatchBody")}</p>
              ) : (
                <p>
                  {t("customers.noneBody")} <Link href="/data">{t("nav.data")}</Link>
                </p>
              )}
            </Empty>
          )}
          {list.data && list.data.total > 0 && (
            <>
              <div class="table-wrap">
                <table class="customers">
                  <thead>
                    <tr>
                      <th scope="col">{t("field.customer_id")}</th>
                      <th scope="col">{t("field.segment_label")}</th>
                      {header("churn_score", "field.churn_score")}
                      <th scope="col">{t("field.abc_category")}</th>
                      {header("rfm_recency_days", "field.rfm_recency_days")}
                      {header("rfm_frequency", "field.rfm_frequency")}
                      {header("rfm_monetary", "field.rfm_monetary")}
                      {header("predicted_clv", "field.predicted_clv")}
                      {header("uplift_score", "field.uplift_score")}
                      {header("last_transaction_at", "field.last_transaction_at", false)}
                    </tr>
                  </thead>
                  <tbody>
                    {list.data.customers.map((c) => (
                      <tr key={c.id} class={open?.id === c.id ? "selected" : undefined}>
                        <td>
                          <button type="button" class="link" onClick={() => setOpen(c)}>
                            {c.customer_id}
                          </button>
                        </td>
                        <td>{c.segment_label ?? "—"}</td>
                        <td class="num">
                          {c.churn_score === null ? "—" : fmt.percent(c.churn_score)}{" "}
                          {c.churn_risk && (
                            <span class={`pill risk-${c.churn_risk}`}>{t(`risk.${c.churn_risk}`)}</span>
                          )}
                        </td>
                        <td>{c.abc_category ?? "—"}</td>
                        <td class="num">{fmt.number(c.rfm_recency_days)}</td>
                        <td class="num">{fmt.number(c.rfm_frequency)}</td>
                        <td class="num">{fmt.money(c.rfm_monetary, currency)}</td>
                        <td class="num">
                          {c.predicted_clv === null ? "—" : fmt.money(c.predicted_clv, currency)}
                        </td>
                        <td class="num">{c.uplift_score === null ? "—" : fmt.number(c.uplift_score, 3)}</td>
                        <td>{fmt.date(c.last_transaction_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager
                page={list.data.page ?? page}
                pages={list.data.pages}
                total={list.data.total}
                onPage={setPage}
              />
            </>
          )}
        </section>
        {open && <CustomerPanel customer={open} onOpen={setOpen} onClose={() => setOpen(undefined)} />}
      </div>
    </>
  );
}

/** One customer: scores, RFM, churn, CLV, uplift, extra features and the most similar customers. */
export function CustomerPanel({
  customer: c,
  onOpen,
  onClose,
}: {
  customer: Customer;
  onOpen(customer: Customer): void;
  onClose(): void;
}) {
  const { client, project, t, fmt } = useApp();
  const currency = project!.settings.currency;
  const similar = useLoad(() => client.customers.similar(c.id, { limit: 5 }), [c.id]);
  const stat = (label: MessageKey, value: string) => <Stat label={t(label)} value={value} />;
  const extra = Object.entries(c.extra_features ?? {});
  return (
    <aside class="card panel" aria-labelledby="panel-title">
      <div class="row spread">
        <h2 id="panel-title">
          {t("customer.title")} <code>{c.customer_id}</code>
        </h2>
        <button type="button" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
      <p class="meta">
        {c.segment_label ?? t("customer.noSegment")} · {c.customer_id_hash}
      </p>
      <h3>{t("customer.scores")}</h3>
      <dl class="stats">
        {stat("field.churn_score", c.churn_score === null ? "—" : fmt.percent(c.churn_score, 1))}
        {stat("field.churn_risk", c.churn_risk ? t(`risk.${c.churn_risk}`) : "—")}
        {stat("field.abc_category", c.abc_category ?? "—")}
        {stat("field.predicted_clv", c.predicted_clv === null ? "—" : fmt.money(c.predicted_clv, currency))}
        {stat("field.uplift_score", c.uplift_score === null ? "—" : fmt.number(c.uplift_score, 3))}
        {stat("field.return_rate", fmt.percent(c.return_rate, 1))}
      </dl>
      <h3>{t("customer.rfm")}</h3>
      <dl class="stats">
        {stat(
          "customer.rfmScores",
          [c.rfm_r_score, c.rfm_f_score, c.rfm_m_score].map((s) => s ?? "—").join(" · "),
        )}
        {stat("field.rfm_recency_days", fmt.number(c.rfm_recency_days))}
        {stat("field.rfm_frequency", fmt.number(c.rfm_frequency))}
        {stat("field.rfm_monetary", fmt.money(c.rfm_monetary, currency))}
        {stat("field.first_transaction_at", fmt.date(c.first_transaction_at))}
        {stat("field.last_transaction_at", fmt.date(c.last_transaction_at))}
      </dl>
      {extra.length > 0 && (
        <>
          <h3>{t("customer.extra")}</h3>
          <dl class="stats">
            {extra.map(([key, value]) => (
              <Stat key={key} label={key} value={String(value)} />
            ))}
          </dl>
        </>
      )}
      <h3>{t("customer.similar")}</h3>
      <Async state={similar}>
        {({ similar: neighbours }) =>
          neighbours.length === 0 ? (
            <p class="meta">{t("customer.noSimilar")}</p>
          ) : (
            <ul class="similar">
              {neighbours.map((n) => (
                <li key={n.customer.id}>
                  <button type="button" class="link" onClick={() => onOpen(n.customer)}>
                    {n.customer.customer_id}
                  </button>{" "}
                  <span class="meta">
                    {n.customer.segment_label ?? "—"} ·{" "}
                    {t("customer.similarity", { value: fmt.number(n.similarity, 3) })}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </aside>
  );
}
