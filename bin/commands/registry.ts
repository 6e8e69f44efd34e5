/**
 * `nianbao registry import FILE [--region CODE] [--endpoint URL]`: imports the list of bodies a
 * disclosure office expects to publish (CSV: name, region code; UTF-8 or GB18030) into the
 * running local stack. The list is checked here first, so bad lines are reported without a stack.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { BodyListError, readBodyList } from "../../functions/report/body-list.ts";
import { NianbaoError } from "../../functions/shared/errors.ts";
import { resolveEndpoint, StackUnreachableError } from "./local-client.ts";

const USAGE = "usage: nianbao registry import FILE [--region CODE] [--endpoint URL]";

type ImportAnswer = { scope?: string; imported?: number; message?: string; problems?: { line: number; message: string }[] };

async function post(endpoint: string, payload: unknown): Promise<{ status: number; body: ImportAnswer }> {
  let res: Response;
  try {
    res = await fetch(`${endpoint}/registry/imports`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  } catch (error) {
    throw new StackUnreachableError(endpoint, { cause: error });
  }
  return { status: res.status, body: (await res.json().catch(() => ({}))) as ImportAnswer };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { region: { type: "string" }, endpoint: { type: "string" } },
  });
  const [action, file, ...rest] = positionals;
  if (action !== "import" || !file || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new NianbaoError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  try {
    readBodyList(bytes, values.region);
  } catch (error) {
    if (!(error instanceof BodyListError)) throw error;
    process.stderr.write(`nianbao: ${file}: ${error.message}\n`);
    return 2;
  }
  const endpoint = resolveEndpoint(values.endpoint);
  const { status, body } = await post(endpoint, { csvBase64: Buffer.from(bytes).toString("base64"), ...(values.region ? { region: values.region } : {}) });
  if (status !== 201) {
    process.stderr.write(`nianbao: ${file}: ${body.message ?? `HTTP ${status}`}\n`);
    return 2;
  }
  process.stdout.write(`已导入 ${body.imported} 个机关，范围 ${body.scope}（imported ${body.imported} bodies for region ${body.scope}）\n`);
  return 0;
}
