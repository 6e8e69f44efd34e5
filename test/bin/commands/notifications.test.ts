import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { followNotifications, parseNotifications, readLatestNotifications } from "../../../bin/commands/notifications.ts";

const note = (n: number) => JSON.stringify({ time: `2026-01-01T00:00:0${n}.000Z`, reportId: `${n}`.repeat(64), status: "FAILED", message: `m${n}` });

describe("the notifications log", () => {
  it("skips a partly written line", () => {
    expect(parseNotifications(`${note(1)}\n{"time":"2026`).map((n) => n.message)).toEqual(["m1"]);
  });

  it("reads the latest notifications", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nianbao-notes-"));
    const path = join(dir, "notifications.log");
    await writeFile(path, [1, 2, 3].map(note).join("\n") + "\n");
    expect((await readLatestNotifications(path, 2)).map((n) => n.message)).toEqual(["m2", "m3"]);
    expect(await readLatestNotifications(join(dir, "missing.log"), 2)).toEqual([]);
    await rm(dir, { recursive: true });
  });

  it("follows only what is appended after it starts", async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), "nianbao-notes-"));
    const path = join(dir, "notifications.log");
    await writeFile(path, `${note(1)}\n`);
    const seen: string[] = [];
    const stop = await followNotifications(path, (n) => seen.push(n.message));

    // Act
    await appendFile(path, `${note(2)}\n${note(3)}\n`);
    await new Promise((r) => setTimeout(r, 1500));
    stop();

    // Assess
    expect(seen).toEqual(["m2", "m3"]);
    await rm(dir, { recursive: true });
  });
});
