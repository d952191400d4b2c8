import { apiReferencePages } from "../../../generate/api-reference.js";

export default {
  watch: ["../../../../openapi/segmento.yaml"],
  paths: apiReferencePages,
};
