/**
 * `nianbao stats rebuild [--dry-run] [--json] [--endpoint URL | --table NAME]`: recomputes the
 * aggregates `/stats` serves from the records (functions/adapters/stats-rebuild.ts), prints the
 * drift it found and repairs it (not with --dry-run). On the running local stack by default;
 * `--table NAME` works on a table in AWS with the caller's credentials.
 * Exit 0 when nothing drifted or all of it was repaired, 1 otherwise.
 */
import { parseArgs } from "node:util";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { rebuildStatsAggregates, type RebuildReport } from "../../functions/adapters/stats-rebuild.ts";
import { Config } from "../../functions/shared/config.ts";
import { NianbaoError } from "../../functions/shared/errors.ts";
import { createLocalApiClient, resolveEndpoint } from "./local-client.ts";

async function tableOf(values: { table?: string; endpoint?: string }): Promise<{ config: Config; table: string }> {
  if (values.table) return { config: Config.parse({}), table: values.table };
  const api = createLocalApiClient(resolveEndpoint(values.endpoint));
  const stack = (await api.discover()) as { dynamoEndpoint?: string; tableName?: string };
  if (!stack.dynamoEndpoint || !stack.tableName) throw new NianbaoError(`the stack at ${api.endpoint} does not name its table (restart it with this version)`);
  return { config: Config.parse({ DYNAMODB_ENDPOINT: stack.dynamoEndpoint }), table: stack.tableName };
}

/** The report as a Chinese reader sees it: one line per drifted counter, then the totals. */
export function formatRebuild(report: RebuildReport, dryRun: boolean): string {
  const lines = report.drift.map((d) => `偏差  ${d.pk}  ${d.sk}  ${d.counter}：存储 ${d.stored}，重算 ${d.expected}`);
  lines.push(
    `共 ${report.records} 份报告、${report.buckets} 个汇总项；偏差 ${report.drift.length} 处` +
      (dryRun ? "（试运行，未修复）" : `，已修复 ${report.repaired} 项`) +
      (report.changedDuringRebuild ? `；${report.changedDuringRebuild} 项在重建期间被写入，请再运行一次` : "") +
      (report.recordsMarked ? `；${report.recordsMarked} 份旧报告已计入` : ""),
  );
  return `${lines.join("\n")}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      endpoint: { type: "string" },
      table: { type: "string" },
    },
  });
  if (positionals[0] !== "rebuild" || positionals.length !== 1) throw new NianbaoError("usage: nianbao stats rebuild [--dry-run] [--json] [--endpoint URL | --table NAME]");
  const { config, table } = await tableOf(values);
  const client = createDocumentClient(config);
  try {
    const dryRun = values["dry-run"] === true;
    const report = await rebuildStatsAggregates(client, table, { repair: !dryRun });
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatRebuild(report, dryRun));
    return report.drift.length === 0 || (!dryRun && report.changedDuringRebuild === 0) ? 0 : 1;
  } finally {
    client.destroy();
  }
}
