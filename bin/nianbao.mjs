#!/usr/bin/env node
// The `nianbao` command: runs the CLI built into dist/cli/ by bin/build/cli.mjs (npm's `prepare`
// script, at install). No TypeScript is transpiled here; when a source is newer than the build
// (an edited checkout), the build is made again first, so the command never runs stale code.
import { ENTRY_JS, ROOT, isBuildFresh } from "./build/fresh.mjs";

// Built-ins as CommonJS objects, without the ES module facade an import builds (see fresh.mjs).
const { existsSync } = process.getBuiltinModule?.("node:fs") ?? (await import("node:fs"));
const nodeModule = process.getBuiltinModule?.("node:module") ?? (await import("node:module"));

// The process's one environment setting: silences the AWS SDK's notice about Node versions
// (it reads this variable itself), before any client is built.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// V8's code cache for the modules: later starts skip compiling them (Node 22.1+; an older Node
// runs the command without it).
nodeModule.enableCompileCache?.(`${ROOT}node_modules/.cache/nianbao/compile-cache`);

if (!isBuildFresh()) {
  if (!existsSync(`${ROOT}node_modules/esbuild`)) {
    console.error("nianbao: the CLI is not built and esbuild is not installed: run npm ci");
    process.exit(2);
  }
  const { buildCli } = await import("./build/cli.mjs");
  await buildCli();
}
await import(ENTRY_JS);
