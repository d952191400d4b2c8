import type { OperationDefinition } from "../http/operation.js";
import * as apiKeys from "./api-keys/api-keys.js";
import * as automations from "./automations/automations.js";
import * as billing from "./billing/billing.js";
import * as plans from "./billing/list-plans.js";
import * as customers from "./engine/customers.js";
import * as overview from "./engine/overview.js";
import * as engine from "./engine/run-segmentation.js";
import * as runs from "./engine/runs.js";
import * as segments from "./engine/segments.js";
import * as files from "./files/files.js";
import * as health from "./health/get-health.js";
import * as metrics from "./health/get-metrics.js";
import * as readiness from "./health/get-readiness.js";
import * as ingest from "./ingest/ingest.js";
import * as integrations from "./integrations/integrations.js";
import * as jobs from "./jobs/jobs.js";
import * as members from "./organizations/members.js";
import * as organizations from "./organizations/organizations.js";
import * as projects from "./projects/projects.js";
import * as support from "./support/submit-contact.js";

const isDefinition = (value: unknown): value is OperationDefinition =>
  typeof value === "object" && value !== null && "id" in value && "handler" in value;

/** Every implemented operation: the definitions exported by the area modules. The router answers 501 for the rest. */
export const operations: OperationDefinition[] = [
  health,
  readiness,
  metrics,
  support,
  plans,
  billing,
  organizations,
  members,
  projects,
  apiKeys,
  ingest,
  files,
  jobs,
  runs,
  engine,
  customers,
  segments,
  overview,
  integrations,
  automations,
].flatMap((module) => Object.values(module).filter(isDefinition));
