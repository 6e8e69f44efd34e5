/** Notify's dependencies in Lambda: the SNS topic. */
import { buildNotifier } from "../../adapters/index.ts";
import type { Config } from "../../shared/config.ts";
import type { NotifyDeps } from "./notify.ts";

export function buildNotifyDeps(config: Config): NotifyDeps {
  return { notifier: buildNotifier(config) };
}
