/** Vitest global set-up: a run's file timings (./file-timings.ts) start from an empty file. */
import { rmSync } from "node:fs";
import { TIMINGS_FILE } from "./file-timings-path.ts";

export default function setup(): void {
  rmSync(TIMINGS_FILE, { force: true });
}
