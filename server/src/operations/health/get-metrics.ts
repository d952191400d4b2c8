import { defineOperation } from "../../http/operation.js";

/** The process's Prometheus metrics, as text (the scrape token was checked by the operation's security). */
export const getMetrics = defineOperation("getMetrics", async ({ app, res }) => {
  res.setHeader("Content-Type", app.metrics.registry.contentType);
  res.setHeader("Cache-Control", "no-store");
  res.send(await app.metrics.registry.metrics());
  return undefined;
});
