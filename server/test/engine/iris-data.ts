/** Reader for the vendored iris.csv (server/test/fixtures/iris, see its SOURCES.md). */
import { readFileSync } from "node:fs";

/**
 * The 150 iris rows: line 1 is sklearn's special header (`150,4,setosa,versicolor,virginica`), then sepal length,
 * sepal width, petal length, petal width (cm) and the species as 0/1/2 (see the folder's SOURCES.md).
 */
export function irisData(): { features: number[][]; species: number[] } {
  const text = readFileSync(new URL("../fixtures/iris/iris.csv", import.meta.url), "utf8");
  const rows = text
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split(",").map(Number));
  return { features: rows.map((row) => row.slice(0, 4)), species: rows.map((row) => row[4]!) };
}
