import type { OperationDefinition } from "../http/operation.js";
import * as apiKeys from "./api-keys/api-keys.js";
import { listPlans } from "./billing/list-plans.js";
import { getHealth } from "./health/get-health.js";
import * as members from "./organizations/members.js";
import * as organizations from "./organizations/organizations.js";
import * as projects from "./projects/projects.js";
import { submitContact } from "./support/submit-contact.js";

const { userOf: _userOf, ...organizationOperations } = organizations;

/** Every implemented operation. The contract router answers 501 for the rest. */
export const operations = [
  getHealth,
  submitContact,
  listPlans,
  ...Object.values(organizationOperations),
  ...Object.values(members),
  ...Object.values(projects),
  ...Object.values(apiKeys),
] as unknown as OperationDefinition[];
