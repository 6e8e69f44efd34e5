/**
 * `nianbao up [--port N] [--data DIR] [--verbose]` (= `npm start`): starts the local
 * stack, drops the sample reports shipped in samples/ into its bucket, waits for their
 * records, prints the API's URL and a summary table, and serves until Ctrl-C.
 */
import { INGEST_PREFIX } from "../../functions/shared/workflow-payloads.ts";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_API_PORT, DEFAULT_DATA_DIR, startLocalStack } from "../../local/stack.ts";
import { WEB_PATH } from "../../local/web.ts";
import { collectFiles, uploadFiles, waitForUploads } from "./ingest.ts";
import { createLocalApiClient, createLocalObjectStore, renderReports } from "./local-client.ts";
import { followNotifications, formatNotification } from "./notifications.ts";

const SAMPLES_DIR = fileURLToPath(new URL("../../samples/", import.meta.url));

export async function run(argv: string[]): Promise<number> {
  const started = Date.now();
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: String(DEFAULT_API_PORT) },
      data: { type: "string", default: DEFAULT_DATA_DIR },
      verbose: { type: "boolean", default: false },
      "no-samples": { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`nianbao: --port must be a port number, not '${values.port}'`);
    return 2;
  }
  process.stderr.write(`starting the local stack (data in ${values.data})…\n`);
  const stack = await startLocalStack({ dataDir: values.data, port, logLevel: values.verbose ? "INFO" : "ERROR" });
  const stop = async () => {
    process.stderr.write("\nstopping…\n");
    await stack.stop();
  };
  try {
    const api = createLocalApiClient(stack.apiUrl);
    if (!values["no-samples"]) {
      const files = await collectFiles([SAMPLES_DIR]);
      const uploads = await uploadFiles(createLocalObjectStore(stack.s3Endpoint), stack.ingestBucket, files, `${INGEST_PREFIX}samples/`);
      const fresh = uploads.filter((u) => u.outcome === "uploaded").length;
      process.stderr.write(`sample reports: ${fresh} dropped into s3://${stack.ingestBucket}/${INGEST_PREFIX}samples/, ${uploads.length - fresh} already there\n`);
      await waitForUploads(api, uploads, 60_000);
    }
    await stack.idle();
    const items = await api.list();
    process.stdout.write(
      `\nnianbao local stack: API ${stack.apiUrl}   (GET /reports, GET /reports/{id})\n` +
        `web page: ${stack.apiUrl}${WEB_PATH}\n\n`,
    );
    process.stdout.write(`${await renderReports(api, items)}\n\n`);
    process.stdout.write(
      `ready in ${((Date.now() - started) / 1000).toFixed(1)} s · data in ${stack.dataDir} · notifications in ${stack.notificationsLog}\n` +
        `drop more reports with \`npx nianbao ingest FILE|DIR --wait\`; Ctrl-C stops.\n`,
    );
  } catch (error) {
    await stack.stop();
    throw error;
  }
  // While serving, show each new notification (reports dropped later that need review or failed).
  const unfollow = await followNotifications(stack.notificationsLog, (note) =>
    process.stdout.write(`notification: ${formatNotification(note)}\n`),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  // A second Ctrl-C while stopping: leave at once (DynamoDB Local is killed on exit).
  process.once("SIGINT", () => process.exit(130));
  unfollow();
  await stop();
  return 0;
}
