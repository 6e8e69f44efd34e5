/**
 * The local notifications log (the SNS stand-in, one JSON line per notification), as the
 * CLI shows it: `status` prints the latest, `up` prints new ones as they arrive.
 */
import { open, readFile, stat } from "node:fs/promises";
import { unwatchFile, watchFile } from "node:fs";

export type LoggedNotification = {
  time: string;
  reportId: string;
  status: string;
  message: string;
};

export function parseNotifications(text: string): LoggedNotification[] {
  const notes: LoggedNotification[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      notes.push(JSON.parse(line) as LoggedNotification);
    } catch {
      // a line being written: skip it
    }
  }
  return notes;
}

/** `2026-11-23 11:30:43  NEEDS_REVIEW  253126a6deb1  <message>` */
export function formatNotification(note: LoggedNotification): string {
  const time = note.time.replace("T", " ").slice(0, 19);
  return `${time}  ${note.status.padEnd(12)}  ${note.reportId.slice(0, 12)}  ${note.message}`;
}

export async function readLatestNotifications(path: string, count: number): Promise<LoggedNotification[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return parseNotifications(text).slice(-count);
}

/** Calls `onNote` for each notification appended to the log from now on; returns a stop function. */
export async function followNotifications(path: string, onNote: (note: LoggedNotification) => void): Promise<() => void> {
  let offset = (await stat(path).catch(() => ({ size: 0 }))).size;
  let reading = false;
  const readNew = async () => {
    if (reading) return;
    reading = true;
    try {
      const size = (await stat(path).catch(() => ({ size: 0 }))).size;
      if (size <= offset) return;
      const file = await open(path, "r");
      try {
        const { buffer, bytesRead } = await file.read(Buffer.alloc(size - offset), 0, size - offset, offset);
        const text = buffer.subarray(0, bytesRead).toString("utf8");
        // Only whole lines: a partly written last line is read next time.
        const end = text.lastIndexOf("\n") + 1;
        offset += Buffer.byteLength(text.slice(0, end));
        for (const note of parseNotifications(text.slice(0, end))) onNote(note);
      } finally {
        await file.close();
      }
    } finally {
      reading = false;
    }
  };
  watchFile(path, { interval: 500 }, () => void readNew());
  return () => unwatchFile(path);
}
