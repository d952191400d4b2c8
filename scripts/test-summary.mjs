// Prints vitest's JSON reports as the one line CI reads: "N passed, N failed" (", N skipped" when any were),
// summed over every report given (CI runs the suite embedded and on the real services).
// Exits 1 when a report is missing or no test ran, so an empty run can never look green.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.log(`no test report at ${file}: ${error.message}`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that failed to load has no failed tests of its own: count it, or it would vanish.
  for (const result of report.testResults ?? []) {
    if (result.status === "failed" && !(result.assertionResults ?? []).some((a) => a.status === "failed"))
      failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
