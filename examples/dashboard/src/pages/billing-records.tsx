import type { Schema } from "@segmento/sdk";
import { useEffect, useState } from "preact/hooks";
import type { MessageKey } from "../i18n/index.js";
import { useApp } from "../state.js";
import { Async, ErrorNote } from "../ui/feedback.js";
import { Field, Form, Submit } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { DataTable, num } from "../ui/table.js";

type BillingDetails = Schema<"BillingDetails">;
type Metric = keyof Schema<"Usage">["data"];
/** The plan's quotas, in the order the page lists them. */
export const METRICS: Metric[] = [
  "rows",
  "profiles",
  "automations",
  "modelRuns",
  "genaiOps",
  "storageGb",
  "teamSeats",
];

/** Each quota's use against the plan's limit, and the period the counters cover. */
export function UsageMeters() {
  const { client, organization, t, fmt } = useApp();
  const orgId = organization!.id;
  const usage = useLoad(() => client.billing.usage(orgId), [orgId]);
  return (
    <section class="card" aria-labelledby="usage-title">
      <h2 id="usage-title">{t("billing.usage")}</h2>
      <Async state={usage}>
        {(u) => (
          <>
            <p class="meta">
              {t("billing.period", { start: fmt.date(u.period.start), end: fmt.date(u.period.end) })}
            </p>
            <div class="meters">
              {METRICS.map((metric) => (
                <Meter key={metric} label={t(`usage.${metric}` as MessageKey)} metric={u.data[metric]} />
              ))}
            </div>
          </>
        )}
      </Async>
    </section>
  );
}

function Meter({ label, metric }: { label: string; metric: Schema<"UsageMetric"> }) {
  const { t, fmt } = useApp();
  const share = metric.limit ? Math.min(1, metric.used / metric.limit) : 0;
  const text =
    metric.limit === null
      ? t("billing.usedUnlimited", { used: fmt.number(metric.used, 2) })
      : t("billing.usedOf", { used: fmt.number(metric.used, 2), limit: fmt.number(metric.limit, 2) });
  return (
    <div class="meter">
      <div class="progress-label">
        <span>{label}</span>
        <span>{text}</span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: the same styled bar as the progress bars; <meter> cannot be styled alike everywhere. */}
      <div
        class={`progress ${share >= 0.9 ? "high" : ""}`}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={metric.limit ?? metric.used}
        aria-valuenow={metric.used}
        aria-valuetext={text}
      >
        <div class="progress-fill" style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}

/** The cards saved on the Stripe customer (Checkout saves one; the portal changes them). */
export function PaymentMethods() {
  const { client, organization, t } = useApp();
  const orgId = organization!.id;
  const cards = useLoad(() => client.billing.paymentMethods(orgId), [orgId]);
  return (
    <section class="card" aria-labelledby="cards-title">
      <h2 id="cards-title">{t("billing.cards")}</h2>
      <Async state={cards}>
        {({ paymentMethods }) =>
          paymentMethods.length === 0 ? (
            <p class="meta">{t("billing.noCards")}</p>
          ) : (
            <ul class="cards-list">
              {paymentMethods.map((card) => (
                <li key={card.id}>
                  {t("billing.card", {
                    brand: card.brand.toUpperCase(),
                    last4: card.last4,
                    expiry: `${String(card.expMonth).padStart(2, "0")}/${card.expYear}`,
                  })}
                  {card.isDefault && <span class="badge">{t("billing.default")}</span>}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}

export function Invoices() {
  const { client, organization, t, fmt } = useApp();
  const orgId = organization!.id;
  const invoices = useLoad(() => client.billing.invoices(orgId), [orgId]);
  return (
    <section class="card" aria-labelledby="invoices-title">
      <h2 id="invoices-title">{t("billing.invoices")}</h2>
      <Async state={invoices}>
        {({ invoices: list }) =>
          list.length === 0 ? (
            <p class="meta">{t("billing.noInvoices")}</p>
          ) : (
            <DataTable
              columns={[
                t("billing.number"),
                t("billing.issued"),
                t("billing.invoicePeriod"),
                t("data.status"),
                num(t("billing.amount")),
                num(t("billing.paid")),
                "actions",
              ]}
            >
              {list.map((invoice) => {
                const currency = invoice.currency.toUpperCase();
                return (
                  <tr key={invoice.id}>
                    <td>{invoice.number ?? "—"}</td>
                    <td>{fmt.date(invoice.created)}</td>
                    <td>
                      {fmt.date(invoice.periodStart)} – {fmt.date(invoice.periodEnd)}
                    </td>
                    <td>
                      <span class={`pill invoice-${invoice.status}`}>{t(`invoice.${invoice.status}`)}</span>
                    </td>
                    <td class="num">{fmt.money(invoice.amountDue / 100, currency)}</td>
                    <td class="num">{fmt.money(invoice.amountPaid / 100, currency)}</td>
                    <td class="actions">
                      {invoice.hostedInvoiceUrl && (
                        <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                          {t("billing.view")}
                        </a>
                      )}{" "}
                      {invoice.invoicePdf && (
                        <a href={invoice.invoicePdf} target="_blank" rel="noreferrer">
                          {t("billing.pdf")}
                        </a>
                      )}
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          )
        }
      </Async>
    </section>
  );
}

const ADDRESS_FIELDS = ["line1", "line2", "city", "state", "postalCode", "country"] as const;

/** Name, email, tax id and address for invoices: an empty field is sent as null (cleared). */
export function BillingDetailsForm() {
  const { client, organization, t } = useApp();
  const orgId = organization!.id;
  const loaded = useLoad(() => client.billing.get(orgId), [orgId]);
  const [details, setDetails] = useState<BillingDetails | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDetails(loaded.data), [loaded.data]);
  const save = useAction(async () => {
    setSaved(false);
    setDetails(await client.billing.update(orgId, details!));
    setSaved(true);
  });
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  const edit = (change: Partial<BillingDetails>) => {
    setSaved(false);
    setDetails((d) => ({ ...d!, ...change }));
  };
  return (
    <section class="card" aria-labelledby="details-title">
      <h2 id="details-title">{t("billing.details")}</h2>
      <p class="meta">{t("billing.detailsIntro")}</p>
      {loaded.error !== undefined && <ErrorNote error={loaded.error} />}
      {details && (
        <Form onSubmit={() => save.run()}>
          <div class="grid three">
            <Field label={t("billing.detailsName")}>
              <input
                value={details.name ?? ""}
                maxLength={200}
                onInput={(e) => edit({ name: text(e.currentTarget.value) })}
              />
            </Field>
            <Field label={t("billing.detailsEmail")}>
              <input
                type="email"
                value={details.email ?? ""}
                onInput={(e) => edit({ email: text(e.currentTarget.value) })}
              />
            </Field>
            <Field label={t("billing.taxId")}>
              <input
                value={details.taxId ?? ""}
                maxLength={50}
                onInput={(e) => edit({ taxId: text(e.currentTarget.value) })}
              />
            </Field>
            {ADDRESS_FIELDS.map((field) => (
              <Field
                key={field}
                label={t(`address.${field}`)}
                hint={field === "country" ? t("address.countryHint") : undefined}
              >
                <input
                  value={details.address[field] ?? ""}
                  maxLength={field === "country" ? 2 : field === "postalCode" ? 20 : 200}
                  onInput={(e) => {
                    const value = e.currentTarget.value;
                    edit({
                      address: {
                        ...details.address,
                        [field]: text(field === "country" ? value.toUpperCase() : value),
                      },
                    });
                  }}
                />
              </Field>
            ))}
          </div>
          <ErrorNote error={save.error} title={t("billing.details")} />
          {saved && (
            <p class="note success" role="status">
              {t("billing.detailsSaved")}
            </p>
          )}
          <Submit pending={save.pending}>{t("billing.saveDetails")}</Submit>
        </Form>
      )}
    </section>
  );
}
