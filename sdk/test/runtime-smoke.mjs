/**
 * The smoke flow every runtime of runtimes.test.ts runs with the packed @segmento/sdk, handed in as `sdk` (the
 * ESM or the CJS build, or a bundle of it): list with a filter, iterate pages, watch a run over SSE, verify a
 * webhook. Plain JavaScript, so Node, Deno, Bun, workerd, the edge runtime and Chromium run it unchanged.
 * Returns what it saw; the test compares it with what the server holds.
 */
export async function smoke(sdk, input) {
  const { Segmento, filter, webhooks, NotFoundError } = sdk;
  const client = new Segmento({
    baseUrl: input.baseUrl,
    apiKey: input.apiKey,
    // Chromium is a browser: a test key on a local server is the one place this is right.
    dangerouslyAllowBrowser: true,
  });

  const risky = await client.customers.list(input.projectId, {
    filters: [filter.field("churn_risk").in(["medium", "high"])],
    limit: 20,
  });

  const pageSizes = [];
  for await (const page of client.customers.list(input.projectId, { limit: input.pageSize }).iterPages()) {
    pageSizes.push(page.customers.length);
  }

  const [accepted] = await client.ingest.send(input.projectId, input.records, { batchId: input.batchId });
  const stages = new Set();
  let lastStatus;
  for await (const event of client.runs.watch(accepted.run_id)) {
    if (event.stage) stages.add(event.stage);
    lastStatus = event.status;
  }
  const run = await client.runs.get(accepted.run_id);

  const event = await webhooks.verify(input.webhook.body, input.webhook.headers, input.webhook.secret);
  const missing = await client.runs.get("00000000-0000-4000-8000-000000000000").catch((error) => error);

  return {
    filtered: {
      count: risky.customers.length,
      allMatch: risky.customers.every((c) => c.churn_risk === "medium" || c.churn_risk === "high"),
      requestId: typeof risky.requestId === "string" && risky.requestId.length > 0,
    },
    pageSizes,
    run: { id: run.run_id === accepted.run_id, status: run.status, lastStatus, stages: [...stages].sort() },
    webhook: {
      type: event.type,
      customerId: event.type === "segment.message" ? event.data.customerId : null,
    },
    notFound: missing instanceof NotFoundError && missing.status === 404,
  };
}
