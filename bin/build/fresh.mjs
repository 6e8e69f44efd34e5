// Whether dist/cli/ holds a build of the current sources (no esbuild needed to tell).
// Built-ins as CommonJS objects: an ES import of node:fs builds a facade of all of it (~4 ms at
// every start of the CLI); Node before 20.16 has no getBuiltinModule and takes the import.
const { readFileSync, statSync } = process.getBuiltinModule?.("node:fs") ?? (await import("node:fs"));
const { fileURLToPath } = process.getBuiltinModule?.("node:url") ?? (await import("node:url"));

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
