/** Runs the built CLI (`node bin/nianbao.mjs …`) and returns its exit code and output, whatever the code. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
export type CliOutcome = { code: number; stdout: string; stderr: string };

export async function nianbao(...args: string[]): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run("node", ["bin/nianbao.mjs", ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
