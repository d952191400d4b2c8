import type { CustomerRow } from "../../db/customers.js";

/**
 * A customer as the outside world sees it, in API responses and in the payloads automations send;
 * `customer_id` is exactly the id the shop sent.
 */
export const presentCustomer = (c: CustomerRow) => ({
  id: c.id,
  customer_id: c.customer_key,
  customer_id_hash: c.customer_id_hash,
  segment_id: c.segment_id,
  segment_label: c.segment_label,
  churn_score: c.churn_score,
  churn_risk: c.churn_risk,
  abc_category: c.abc_category,
  rfm_recency_days: c.rfm_recency_days,
  rfm_frequency: c.rfm_frequency,
  rfm_monetary: Number(c.rfm_monetary),
  rfm_r_score: c.rfm_r_score,
  rfm_f_score: c.rfm_f_score,
  rfm_m_score: c.rfm_m_score,
  rfm_segment: c.rfm_segment as never,
  return_rate: c.return_rate,
  uplift_score: c.uplift_score,
  predicted_clv: c.predicted_clv,
  first_transaction_at: new Date(c.first_transaction_at).toISOString(),
  last_transaction_at: new Date(c.last_transaction_at).toISOString(),
  extra_features: c.extra_features ?? {},
});
