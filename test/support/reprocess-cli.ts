/** `nianbao reprocess` run in this process against a local stack's API: its JSON summary, exit code and what it drew on stderr. */
import { vi } from "vitest";
import { run as runReprocess } from "../../bin/commands/reprocess.ts";

export async function reprocessCli(apiUrl: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    const code = await runReprocess([...args, "--endpoint", apiUrl, "--json", "--poll-ms", "50"]);
    return { code, summary: JSON.parse(out.join("")) as { total: number; succeeded: number; failed: number }, stderr: err.join("") };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
