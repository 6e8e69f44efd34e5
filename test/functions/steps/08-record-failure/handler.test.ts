import { describe, expect, it } from "vitest";
import { readCause } from "../../../../functions/steps/08-record-failure/handler.ts";

describe("readCause", () => {
  it("takes errorMessage from the JSON cause Lambda reports", () => {
    const cause = JSON.stringify({ errorType: "UnreadableDocumentError", errorMessage: "文件为空", trace: ["at x"] });
    expect(readCause({ Error: "UnreadableDocumentError", Cause: cause })).toBe("文件为空");
  });

  it("keeps a plain-text cause as it is", () => {
    expect(readCause({ Error: "States.Timeout", Cause: "Task timed out after 60 seconds" })).toBe(
      "Task timed out after 60 seconds",
    );
  });

  it("falls back to the error name when there is no cause", () => {
    expect(readCause({ Error: "States.Timeout" })).toBe("States.Timeout");
  });

  it("shortens a huge cause", () => {
    expect(readCause({ Error: "E", Cause: "x".repeat(10_000) }).length).toBeLessThan(2100);
  });
});
