/** A scored customer's behaviour as of the reference date: what segmentation and similarity read. */
export interface CustomerBehaviour {
  id: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  returnRate: number;
  tenureDays: number;
}
