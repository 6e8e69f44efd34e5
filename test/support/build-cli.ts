/**
 * Vitest global set-up: the CLI the tests spawn (bin/nianbao.mjs) runs the build in dist/cli/;
 * it is made here, once, before any test file starts, when a source is newer than it.
 */
import { isBuildFresh } from "../../bin/build/fresh.mjs";

export default async function setup(): Promise<void> {
  if (isBuildFresh()) return;
  const { buildCli } = await import("../../bin/build/cli.mjs");
  await buildCli();
}
