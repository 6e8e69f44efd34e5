/** A Textract client for adapter tests: answers each command with the next recorded response for its type. */
import { readFileSync } from "node:fs";
import type { TextractSender } from "../../functions/documents/ocr/textract.ts";

/** A recorded Textract response from test/fixtures/textract/. */
export const textractFixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/textract/${name}`, import.meta.url), "utf8"));

export class RecordedTextract implements TextractSender {
  readonly sent: unknown[] = [];
  constructor(private readonly responses: Map<string, unknown[]>) {}
  async send(command: unknown) {
    this.sent.push(command);
    const name = (command as object).constructor.name;
    const next = this.responses.get(name)?.shift();
    if (next === undefined) throw new Error(`no recorded response for ${name}`);
    if (next instanceof Error) throw next;
    return next;
  }
}
