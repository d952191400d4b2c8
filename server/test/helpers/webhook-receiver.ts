import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Contract } from "../../src/http/contract.js";

/** A customer's webhook endpoint on loopback: records each delivery, answers as scripted per customer. */
export function receiver() {
  const received: { id: string; signature: string; timestamp: string; body: string }[] = [];
  let script: (customerId: string, attempt: number) => number = () => 200;
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const customerId = JSON.parse(body).data?.customer?.customer_id ?? "";
      const attempt = (attempts.get(customerId) ?? 0) + 1;
      attempts.set(customerId, attempt);
      const status = script(customerId, attempt);
      if (status === 200) {
        received.push({
          id: String(req.headers["webhook-id"]),
          signature: String(req.headers["webhook-signature"]),
          timestamp: String(req.headers["webhook-timestamp"]),
          body,
        });
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status === 200 ? "{}" : JSON.stringify({ error: status === 503 ? "busy" : "bad request" }));
    });
  });
  return {
    received,
    attempts,
    script: (fn: typeof script) => {
      script = fn;
    },
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * What is wrong with a delivered body by the contract: the schema of its `type`'s entry in the spec's
 * `webhooks` section, and the `WebhookEvent` union the SDK's webhooks.verify returns. Empty when it conforms.
 */
export function webhookContractProblems(contract: Contract, body: string): string[] {
  const event = JSON.parse(body) as { type?: unknown };
  const webhooks = contract.document.webhooks as Record<
    string,
    { post: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }
  >;
  const entry = typeof event.type === "string" ? webhooks[event.type] : undefined;
  if (!entry) return [`the spec's webhooks section has no event ${String(event.type)}`];
  const schema = entry.post.requestBody.content["application/json"]?.schema.$ref.split("/").pop() ?? "";
  return [...contract.checkSchema(schema, event), ...contract.checkSchema("WebhookEvent", event)];
}
