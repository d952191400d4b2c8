/**
 * Writes README's Environment table from the server's one environment schema (server/src/config.ts).
 * `npm run docs:env`; the config test fails when README and the schema differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { environmentTable } from "../server/src/config.js";

const README = new URL("../README.md", import.meta.url);
export const START = "<!-- environment:start (npm run docs:env) -->";
export const END = "<!-- environment:end -->";

const readme = readFileSync(README, "utf8");
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from)
  throw new Error(`README.md needs the markers ${START} and ${END} around the table`);
writeFileSync(README, `${readme.slice(0, from + START.length)}\n${environmentTable()}\n${readme.slice(to)}`);
console.log("README.md: Environment table written from server/src/config.ts");
