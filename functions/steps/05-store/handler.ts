/** Store's Lambda: state with `parsed` -> zod -> `runStore` (./store.ts) -> `$.stored`. */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { StoreInput, type Stored } from "../../shared/workflow-payloads.ts";
import { buildStoreDeps } from "./deps.ts";
import { runStore, type StoreDeps } from "./store.ts";

/** The middy handler of Store over the given dependencies (the local stack passes its own). */
export function createStoreHandler(deps: () => StoreDeps) {
  return middy<StoreInput, Stored>()
    .use(parseEventWith(StoreInput))
    .handler(function storeHandler(event) {
      return runStore(event, deps());
    });
}

export const handler = createStoreHandler(once(() => buildStoreDeps(readConfig())));
