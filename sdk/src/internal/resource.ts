import type { Segmento } from "../client.js";

/** A group of thin methods, each one call of the client's request loop. */
export abstract class APIResource {
  constructor(protected readonly client: Segmento) {}
}
