/** `nianbao status [--json] [--endpoint URL]`: lists the records of the running local stack. */
import { parseArgs } from "node:util";
import { createLocalApiClient, renderReports, resolveEndpoint } from "./local-client.ts";
import { formatNotification, readLatestNotifications } from "./notifications.ts";

const LATEST_NOTIFICATIONS = 10;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: "string" },
      json: { type: "boolean", default: false },
      "no-notifications": { type: "boolean", default: false },
    },
  });
  const api = createLocalApiClient(resolveEndpoint(values.endpoint));
  const items = await api.list();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
    return 0;
  }
  if (items.length === 0) {
    process.stderr.write(`no records yet at ${api.endpoint}\n`);
    return 0;
  }
  process.stdout.write(`${await renderReports(api, items)}\n`);
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  process.stderr.write(`${items.length} record(s): ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}\n`);
  if (!values["no-notifications"]) {
    const { notificationsLog } = await api.discover();
    const notes = await readLatestNotifications(notificationsLog, LATEST_NOTIFICATIONS);
    if (notes.length > 0) {
      process.stdout.write(`\nlatest notifications (${notificationsLog}):\n${notes.map(formatNotification).join("\n")}\n`);
    }
  }
  return 0;
}
