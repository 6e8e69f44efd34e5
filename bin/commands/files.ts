/** The files a command is given (directories expanded) and the progress bar it draws on stderr. */
import { statSync, type Stats } from "node:fs";
import { extname, join } from "node:path";

/**
 * A path's stats, or null when it cannot be stat'ed. Synchronous on purpose: the one file of
 * `nianbao parse FILE` is stat'ed before anything else, and node:fs/promises costs ~2.7 ms of
 * CPU to load and run at a start, the synchronous call 0.1 ms.
 */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** Extensions `ingest` takes from a directory (a file named on the command line is always taken). */
export const REPORT_EXTENSIONS = new Set([".txt", ".htm", ".html", ".docx", ".doc", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"]);

/**
 * The files named, with directories expanded (recursively, hidden entries skipped, sorted).
 * From a directory only files `take` accepts; by default those with a report's extension.
 */
export async function collectFiles(paths: string[], take: (name: string) => boolean = (name) => REPORT_EXTENSIONS.has(extname(name).toLowerCase())): Promise<string[]> {
  // Taken here, not imported: `nianbao parse FILE` loads this module and lists no directory (see statOrNull).
  const { readdir, stat } = process.getBuiltinModule("node:fs/promises");
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new Error(`${path}: no such file or directory`);
    if (info.isFile()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    const inside = entries
      .filter((e) => !e.name.startsWith("."))
      .map((e) => ({ entry: e, full: join(path, e.name) }))
      .sort((a, b) => a.full.localeCompare(b.full));
    for (const { entry, full } of inside) {
      if (entry.isDirectory()) files.push(...(await collectFiles([full], take)));
      else if (entry.isFile() && take(entry.name)) files.push(full);
    }
  }
  return files;
}

export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${total}`;
}

/** Writes a progress line to stderr: redrawn in place on a terminal, one line each in a log. */
export function writeProgress(line: string, last: boolean): void {
  process.stderr.write(process.stderr.isTTY === true ? `\r\x1b[2K${line}${last ? "\n" : ""}` : `${line}\n`);
}
