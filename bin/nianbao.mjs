#!/usr/bin/env node
// The `nianbao` command: loads the TypeScript CLI through tsx (no build step needed).
import { register } from "tsx/esm/api";

// The process's one environment setting: silences the AWS SDK's notice that it will soon need
// Node 22 (it reads this variable itself), before any client is built.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

register();
await import("./nianbao.ts");
