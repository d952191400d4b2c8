import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { operations } from "../src/index.js";
import { fakeClient, json, progressFrame, sse } from "./helpers.js";

/** The contract's `webhooks`: Segmento sends them to your endpoint, and `webhooks.verify` receives them. */
type WebhookOperation = "segmentMessageWebhook" | "segmentoTestWebhook";

/** Every operation of the contract and the SDK method that calls it. */
const sdkMethods: Record<
  Exclude<keyof operations, "handleStripeWebhook" | "getMetrics" | WebhookOperation>,
  string
> = {
  getHealth: "health.check",
  getReadiness: "health.ready",
  eraseCustomer: "customers.erase",
  submitContact: "contact.submit",
  signUpEmail: "auth.signUp",
  signInEmail: "auth.signIn",
  signOut: "auth.signOut",
  getSession: "auth.getSession",
  listOrganizations: "organizations.list",
  createOrganization: "organizations.create",
  getOrganization: "organizations.get",
  updateOrganization: "organizations.update",
  listMembers: "organizations.members.list",
  updateMember: "organizations.members.update",
  removeMember: "organizations.members.remove",
  listInvitations: "organizations.invitations.list",
  createInvitation: "organizations.invitations.create",
  cancelInvitation: "organizations.invitations.cancel",
  acceptInvitation: "organizations.invitations.accept",
  listProjects: "projects.list",
  createProject: "projects.create",
  getProject: "projects.get",
  updateProject: "projects.update",
  deleteProject: "projects.delete",
  getProjectOverview: "projects.overview",
  createApiKey: "apiKeys.create",
  listApiKeys: "apiKeys.list",
  updateApiKey: "apiKeys.update",
  deleteApiKey: "apiKeys.delete",
  ingestRecords: "ingest.send",
  uploadFile: "files.upload",
  listFiles: "files.list",
  getFile: "files.get",
  getJobProgress: "jobs.progress",
  getJobStatus: "jobs.status",
  streamJobProgress: "jobs.watch",
  listRuns: "runs.list",
  getRun: "runs.get",
  getRunProgress: "runs.progress",
  streamRun: "runs.watch",
  listSegments: "segments.list",
  createSegment: "segments.create",
  previewSegment: "segments.preview",
  getSegment: "segments.get",
  updateSegment: "segments.update",
  deleteSegment: "segments.delete",
  runSegmentation: "segments.run",
  listCustomers: "customers.list",
  listSimilarCustomers: "customers.similar",
  listIntegrations: "integrations.list",
  createIntegration: "integrations.create",
  getIntegration: "integrations.get",
  updateIntegration: "integrations.update",
  deleteIntegration: "integrations.delete",
  testIntegration: "integrations.test",
  rotateWebhookSecret: "integrations.rotateSecret",
  listAutomations: "automations.list",
  createAutomation: "automations.create",
  getAutomation: "automations.get",
  updateAutomation: "automations.update",
  deleteAutomation: "automations.delete",
  runAutomation: "automations.run",
  listDeliveries: "automations.deliveries",
  redeliver: "automations.redeliver",
  listPlans: "billing.plans",
  getBilling: "billing.get",
  updateBilling: "billing.update",
  listInvoices: "billing.invoices",
  listPaymentMethods: "billing.paymentMethods",
  createBillingPortalSession: "billing.createPortalSession",
  subscribeFree: "billing.subscribeFree",
  cancelSubscription: "billing.cancelSubscription",
  syncSubscription: "billing.syncSubscription",
  createCheckoutSession: "billing.createCheckoutSession",
  getUsage: "billing.usage",
};

/** Operations the SDK leaves out on purpose. */
const notInSdk: Record<string, string> = {
  handleStripeWebhook: "Stripe calls it, signed with Stripe's own secret; no API client ever does",
  getMetrics: "Prometheus scrapes it with the operator's METRICS_TOKEN; no API client ever does",
};

/** Arguments after the path parameters, where a plain `{}` body would not do. */
const specialArguments: Record<string, unknown[]> = {
  ingestRecords: ["p-1", [{ customer_id: "C-1", order_date: "2026-05-01", amount: 1 }]],
  uploadFile: [{ file: new Blob(["customer_id,amount\nC-1,1\n"]) }],
};

interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  hasBody: boolean;
}

const spec = parse(readFileSync(new URL("../../openapi/segmento.yaml", import.meta.url), "utf8")) as {
  paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown }>>;
};
const specOperations: SpecOperation[] = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, operation]) => typeof operation === "object" && operation?.operationId)
    .map(([method, operation]) => ({
      operationId: operation.operationId as string,
      method: method.toUpperCase(),
      path,
      hasBody: operation.requestBody !== undefined,
    })),
);

describe("the SDK covers the contract", () => {
  it("has a method for every operationId in openapi/segmento.yaml, and no stale rows", () => {
    const ids = specOperations.map((op) => op.operationId);
    expect(ids.length).toBeGreaterThan(60);
    const missing = ids.filter((id) => !(id in sdkMethods) && !(id in notInSdk));
    expect(missing, "operations without an SDK method").toEqual([]);
    const stale = Object.keys({ ...sdkMethods, ...notInSdk }).filter((id) => !ids.includes(id));
    expect(stale, "table rows for operations the spec no longer has").toEqual([]);
  });

  it.each(specOperations.filter((op) => op.operationId in sdkMethods))(
    "$operationId is $method $path",
    async (operation) => {
      const { client, requests } = fakeClient((request) =>
        request.url.endsWith("/progress/stream")
          ? sse([progressFrame(1, "completed", 100)])
          : request.url.endsWith("/stream")
            ? sse([
                `event: progress\nid: 1\ndata: {"run_id":"runId-value","status":"completed","pct":100}\n\n`,
              ])
            : json(200, {}),
      );
      const methodPath = sdkMethods[operation.operationId as keyof typeof sdkMethods];
      const segments = methodPath.split(".");
      const name = segments.pop() as string;
      const target = segments.reduce<Record<string, unknown>>(
        (group, key) => group[key] as Record<string, unknown>,
        client as unknown as Record<string, unknown>,
      );
      const method = target[name] as (...args: unknown[]) => unknown;
      expect(typeof method, methodPath).toBe("function");

      const pathParams = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, param]) => `${param}-value`);
      const rest = specialArguments[operation.operationId] ?? (operation.hasBody ? [{}] : []);
      const result = method.apply(target, [...pathParams, ...rest]);
      if (result && typeof result === "object" && Symbol.asyncIterator in result && !("then" in result)) {
        for await (const _ of result as AsyncIterable<unknown>) {
          // Drain it.
        }
      } else {
        await result;
      }

      const request = requests[0] as Request;
      const expectedPath = pathParams.reduce((path, value) => path.replace(/\{\w+\}/, value), operation.path);
      expect(request.method).toBe(operation.method);
      expect(new URL(request.url).pathname).toBe(expectedPath);
    },
  );
});
