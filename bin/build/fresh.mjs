// Whether dist/cli/ holds a build of the current sources (no esbuild needed to tell).
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const OUT_DIR = `${ROOT}dist/cli`;
export const ENTRY_JS = `${OUT_DIR}/nianbao.js`;
/** The project's sources the build read (paths from the project root), written by the build. */
export const INPUTS_FILE = `${OUT_DIR}/inputs.json`;

/** True when the build exists and no source it was made from changed (or went) since. */
export function isBuildFresh() {
  try {
    const built = statSync(ENTRY_JS).mtimeMs;
    const inputs = JSON.parse(readFileSync(INPUTS_FILE, "utf8"));
    return inputs.every((input) => statSync(`${ROOT}${input}`).mtimeMs <= built);
  } catch {
    return false;
  }
}
