/** A failure that another attempt cannot fix (bad data, a deleted project): the job fails at once. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}
