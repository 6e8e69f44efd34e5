// Preloaded with `node --import`: writes every module URL the process loads (and every built-in), one per line, to the
// file in NIANBAO_MODULES_LOG when it exits (module.registerHooks, Node 22.15+/23.5+).
import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";

const loaded = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
// Built-ins taken through process.getBuiltinModule pass no hook: Node's own list names them (`node:crypto`).
const builtins = () => process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => `node:${m.slice("NativeModule ".length)}`);
process.on("exit", () => appendFileSync(process.env.NIANBAO_MODULES_LOG, `${[...loaded, ...builtins()].join("\n")}\n`));
