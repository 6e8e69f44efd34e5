// Preloaded with `node --import`: writes every module URL the process loads, one per line, to the
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
process.on("exit", () => appendFileSync(process.env.NIANBAO_MODULES_LOG, `${loaded.join("\n")}\n`));
