import type { OperationDefinition } from "../http/operation.js";
import { listPlans } from "./billing/list-plans.js";
import { getHealth } from "./health/get-health.js";
import { submitContact } from "./support/submit-contact.js";

/** Every implemented operation. The contract router answers 501 for the rest. */
export const operations = [getHealth, submitContact, listPlans] as unknown as OperationDefinition[];
