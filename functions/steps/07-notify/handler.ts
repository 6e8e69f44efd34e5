/** Notify's Lambda: state with `stored` -> zod -> `runNotify` (./notify.ts). */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { NotifyInput } from "../../shared/workflow-payloads.ts";
import { buildNotifyDeps } from "./deps.ts";
import { runNotify, type NotifyDeps } from "./notify.ts";

/** The middy handler of Notify over the given dependencies (the local stack passes its own). */
export function createNotifyHandler(deps: () => NotifyDeps) {
  return middy<NotifyInput, { notified: boolean }>()
    .use(parseEventWith(NotifyInput))
    .handler(function notifyHandler(event) {
      return runNotify(event, deps());
    });
}

export const handler = createNotifyHandler(once(() => buildNotifyDeps(readConfig())));
