/**
 * `nianbao reprocess [--status S]... [--year Y] [--agency A] [--older-than VERSION] [--endpoint URL] [--json]`:
 * starts the reprocess workflow (lib/reprocess-workflow.ts) on the running local stack and
 * follows its Map state's item counts (ListMapRuns/DescribeMapRun, as for a Distributed
 * Map in the cloud) with a progress bar on stderr. Prints the run's summary on stdout.
 */
import { parseArgs } from "node:util";
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import * as z from "zod";
import { LOCAL_CREDENTIALS } from "../../functions/adapters/clients.ts";
import { NianbaoError } from "../../functions/shared/errors.ts";
import { ReprocessFilter } from "../../functions/steps/09-reprocess/selection.ts";
import { createLocalApiClient, resolveEndpoint } from "./local-client.ts";

export class ReprocessFailedError extends NianbaoError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReprocessFailedError";
  }
}

export type MapProgress = { total: number; succeeded: number; failed: number };

/** `[████░░░░] 12/40` plus the failed count when there is one. */
export function renderProgress(progress: MapProgress, width = 24): string {
  const done = progress.succeeded + progress.failed;
  const filled = progress.total === 0 ? width : Math.round((done / progress.total) * width);
  const bar = `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${progress.total}`;
  return progress.failed ? `${bar} (${progress.failed} failed)` : bar;
}

/** The filter from the command line (the same schema the Select step parses). */
export function readFilter(values: { status?: string[]; year?: string; agency?: string; "older-than"?: string }): ReprocessFilter {
  const parsed = ReprocessFilter.safeParse({
    ...(values.status?.length ? { status: values.status.map((s) => s.toUpperCase()) } : {}),
    ...(values.year !== undefined ? { year: values.year } : {}),
    ...(values.agency !== undefined ? { agency: values.agency } : {}),
    ...(values["older-than"] !== undefined ? { olderThan: values["older-than"] } : {}),
  });
  if (!parsed.success) throw new NianbaoError(`invalid filter: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      status: { type: "string", multiple: true },
      year: { type: "string" },
      agency: { type: "string" },
      "older-than": { type: "string" },
      endpoint: { type: "string" },
      json: { type: "boolean", default: false },
      "poll-ms": { type: "string" },
    },
  });
  const filter = readFilter(values);
  const api = createLocalApiClient(resolveEndpoint(values.endpoint));
  const stack = (await api.discover()) as Awaited<ReturnType<typeof api.discover>> & {
    sfnEndpoint?: string;
    reprocessStateMachineArn?: string;
  };
  if (!stack.sfnEndpoint || !stack.reprocessStateMachineArn) {
    throw new NianbaoError(`the stack at ${api.endpoint} has no reprocess workflow (restart it with this version)`);
  }
  const sfn = new SFNClient({ region: "us-east-1", endpoint: stack.sfnEndpoint, credentials: LOCAL_CREDENTIALS });
  const pollMs = Number(values["poll-ms"] ?? 250);
  const tty = process.stderr.isTTY === true;
  try {
    const started = Date.now();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.reprocessStateMachineArn, input: JSON.stringify(filter) }),
    );
    process.stderr.write(`reprocess ${JSON.stringify(filter)}\n`);
    let last = "";
    let progress: MapProgress = { total: 0, succeeded: 0, failed: 0 };
    for (;;) {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
      const mapRunArn = mapRuns?.[0]?.mapRunArn;
      if (mapRunArn) {
        const counts = (await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
        progress = { total: counts?.total ?? 0, succeeded: counts?.succeeded ?? 0, failed: counts?.failed ?? 0 };
      }
      const finished = execution.status !== "RUNNING";
      if (finished && execution.status === "SUCCEEDED") {
        const summary = JSON.parse(execution.output ?? "{}") as { selected?: number };
        // Items of an empty selection never start a map run.
        if (!mapRunArn) progress = { total: summary.selected ?? 0, succeeded: summary.selected ?? 0, failed: 0 };
      }
      const line = renderProgress(progress);
      if (line !== last || finished) {
        process.stderr.write(tty ? `\r\x1b[2K${line}${finished ? "\n" : ""}` : `${line}\n`);
        last = line;
      }
      if (finished) {
        if (execution.status !== "SUCCEEDED") {
          throw new ReprocessFailedError(`reprocess ${execution.status}: ${execution.error ?? ""} ${execution.cause ?? ""}`.trim());
        }
        const result = { ...progress, filter, seconds: (Date.now() - started) / 1000 };
        if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else process.stdout.write(`reprocessed ${progress.succeeded} of ${progress.total} report(s) in ${result.seconds.toFixed(1)} s\n`);
        return progress.failed ? 1 : 0;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    sfn.destroy();
  }
}
