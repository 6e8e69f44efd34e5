/**
 * The nianbao CLI: argv → the same functions the Lambda handlers call.
 * Data goes to stdout, messages to stderr.
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { NianbaoError } from "../functions/shared/errors.ts";

// A command validates a few values once: zod's compiled fast path (built with new Function on
// first use) costs more to build than it saves in one short process.
// English messages, as classic zod sets them when it loads (a text report's path loads zod/mini only).
z.config({ jitless: true, ...en() });

type Command = { summary: string; run: (argv: string[]) => Promise<number> };

/** A command's module, imported when it runs (a literal import, so the build keeps it a chunk of its own). */
const load = (importCommand: () => Promise<{ run: (argv: string[]) => Promise<number> }>) => async (argv: string[]) =>
  (await importCommand()).run(argv);

const COMMANDS: Record<string, Command> = {
  parse: {
    summary:
      "parse FILE [--json] [--no-ocr] [--explain CELL]\n      read one report (text, HTML, DOCX, PDF, image or scan) and print its record, or where one figure came from\n" +
      "  nianbao parse DIR|FILE... [--out records.csv|.jsonl|.xlsx] [--jobs N] [--headers keys|zh] [--no-ocr] [--timings]\n      read many reports in worker threads, without the stack (--timings: each thread's CPU); exit 1 when some gave no record",
    run: load(() => import("./commands/parse.ts")),
  },
  up: { summary: "up [--port N] [--data DIR]\n      start the local stack, process the sample reports, serve the API and web page", run: load(() => import("./commands/up.ts")) },
  ingest: {
    summary: "ingest FILE|DIR... [--wait] [--timeout S] [--prefix P] [--endpoint URL]\n      drop reports into the running local stack and print each one's status",
    run: load(() => import("./commands/ingest.ts")),
  },
  status: { summary: "status [--json] [--no-notifications] [--endpoint URL]\n      list the records of the running local stack", run: load(() => import("./commands/status.ts")) },
  reprocess: {
    summary: "reprocess [--status S]... [--year Y] [--agency A] [--older-than V] [--json] [--endpoint URL]\n      re-read stored reports with the current parser",
    run: load(() => import("./commands/reprocess.ts")),
  },
  registry: {
    summary: "registry import FILE [--region CODE] [--endpoint URL]\n      import the list of bodies a region expects to publish (CSV: name, region code; UTF-8 or GB18030)",
    run: load(() => import("./commands/registry.ts")),
  },
  export: {
    summary:
      "export --format csv|xlsx|jsonl [--year Y] [--status S] [--edition E] [--agency A] [--parser-version V] [--out FILE|-] [--endpoint URL]\n      an export job of any size through the API (local or deployed): progress on stderr, then the file",
    run: load(() => import("./commands/export.ts")),
  },
  stats: {
    summary: "stats rebuild [--dry-run] [--json] [--endpoint URL | --table NAME]\n      recompute the aggregates of /stats from the records, report any drift and repair it",
    run: load(() => import("./commands/stats.ts")),
  },
};

function usage(): string {
  return ["usage: nianbao <command> [options]", "", ...Object.values(COMMANDS).map((c) => `  nianbao ${c.summary}`)].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.error(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`nianbao: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.error(`usage: nianbao ${command.summary}`);
    return 0;
  }
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Expected failures get one line; anything else is a bug and keeps its stack for a report.
  if (error instanceof NianbaoError) {
    console.error(`nianbao: ${error.message}`);
    process.exitCode = 2;
  } else if ((error as NodeJS.ErrnoException)?.code === "ERR_MODULE_NOT_FOUND") {
    const first = (error as Error).message.split("\n")[0];
    // A package the project depends on but node_modules lacks: the install is older than the code.
    console.error(
      /^Cannot find package /.test(first ?? "")
        ? `nianbao: a dependency is not installed (${first}): run npm ci`
        : `nianbao: this command is not available in this build (${first})`,
    );
    process.exitCode = 2;
  } else if ((error as NodeJS.ErrnoException)?.code?.startsWith("ERR_PARSE_ARGS_")) {
    // A mistyped option: say so and show the usage, not "unexpected error".
    console.error(`nianbao: ${(error as Error).message.split(".")[0]}\n${usage()}`);
    process.exitCode = 2;
  } else {
    console.error(process.env.NIANBAO_DEBUG ? error : `nianbao: unexpected error: ${(error as Error)?.message ?? error}`);
    process.exitCode = 1;
  }
}
