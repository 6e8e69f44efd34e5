#!/usr/bin/env node
// Runs a TypeScript entry point with tsx's loader, resolved from this package so it works from any cwd.
// usage: node bin/run-ts.mjs path/to/file.ts [args...]
import { register } from "tsx/esm/api";

// The process's one environment setting: silences the AWS SDK's notice that it will soon need
// Node 22 (it reads this variable itself), before any client is built.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

register();
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error("usage: run-ts.mjs FILE.ts [args...]");
  process.exit(2);
}
process.argv = [process.argv[0], resolve(entry), ...rest];
await import(pathToFileURL(resolve(entry)).href);
