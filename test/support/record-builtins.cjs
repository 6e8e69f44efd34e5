// Preloaded with `node --require`: writes the built-in modules the process loaded (Node's own list), one per line, to
// the file in NIANBAO_BUILTINS_LOG when it exits. CommonJS on purpose: record-modules.mjs's ES import of node:fs
// loads node:fs/promises and the stream modules itself, so it cannot tell whether the CLI does.
const { appendFileSync } = require("node:fs");

process.on("exit", () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => `node:${m.slice("NativeModule ".length)}`);
  appendFileSync(process.env.NIANBAO_BUILTINS_LOG, `${builtins.join("\n")}\n`);
});
