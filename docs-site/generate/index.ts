/** Everything the site's build needs that is generated, not written: `npm run docs:build` runs this first. */
import { generateCharts } from "./charts.js";
import { generateSdkReference } from "./sdk-reference.js";

await Promise.all([generateSdkReference(), generateCharts()]);
