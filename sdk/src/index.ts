/**
 * @segmento/sdk: the TypeScript client for the Segmento API.
 * The types below are generated from openapi/segmento.yaml (npm run generate); the client comes next.
 */
export type { components, operations, paths } from "./generated/schema.js";
