/** The record store's writes, against a mocked DynamoDB document client. */
import { describe, expect, it, vi } from "vitest";
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDynamoRecordStore } from "../../../functions/adapters/record-store.ts";
import { TransientError } from "../../../functions/shared/errors.ts";
import { partialRecord } from "../../support/fakes.ts";

const ID = "a".repeat(64);
const SOURCE = { bucket: "ingest", key: "reports/a.txt" };

function conditionFailed(): Error {
  return Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" });
}

function mockClient(respond: (command: unknown, index: number) => unknown) {
  const commands: unknown[] = [];
  const send = vi.fn(async (command: unknown) => {
    commands.push(command);
    const out = respond(command, commands.length - 1);
    if (out instanceof Error) throw out;
    return out;
  });
  return { client: { send } as unknown as DynamoDBDocumentClient, commands };
}

function bodyCancelled(): Error {
  return Object.assign(new Error("Transaction cancelled"), {
    name: "TransactionCanceledException",
    CancellationReasons: [{ Code: "ConditionalCheckFailed" }, { Code: "None" }],
  });
}

const updates = (commands: unknown[]) => commands.filter((c): c is UpdateCommand => c instanceof UpdateCommand);
const transactions = (commands: unknown[]) => commands.filter((c): c is TransactWriteCommand => c instanceof TransactWriteCommand);
/** The record body's update: the first entry of the write's transaction. */
const bodyOf = (commands: unknown[]) => transactions(commands)[0]?.input.TransactItems?.[0]?.Update;

describe("createDynamoRecordStore", () => {
  it("writes a parsed record conditionally under REPORT#<id> and appends its source", async () => {
    // Prepare
    const { client, commands } = mockClient(() => ({}));
    const store = createDynamoRecordStore(client, "records", () => "2026-01-01T00:00:00.000Z");

    // Act
    const outcome = await store.putParsed({
      reportId: ID,
      status: "VALID",
      parserVersion: "1.0.0",
      record: partialRecord({ agency: "西湖区教育局", year: 2019, edition: "2019", findings: [] }),
      source: SOURCE,
    });

    // Assess
    expect(outcome).toEqual({ written: true, sourceAdded: true, status: "VALID" });
    const body = bodyOf(commands);
    const [source] = updates(commands).map((c) => c.input);
    expect(body?.Key).toEqual({ pk: `REPORT#${ID}`, sk: "RECORD" });
    // The store's condition, guarded by what the write read: no record yet.
    expect(body?.ConditionExpression).toBe(
      "(attribute_not_exists(pk) OR #status = :failed OR #parserVersionOrder < :parserVersionOrder" +
        " OR (attribute_not_exists(#parserVersionOrder) AND #parserVersion <> :parserVersion) OR attribute_exists(mergedInto))" +
        " AND attribute_not_exists(pk)",
    );
    // The same transaction counts the record in the aggregates of /stats.
    const aggregates = transactions(commands)[0]?.input.TransactItems?.slice(1).map((i) => i.Update?.Key?.pk);
    expect(aggregates).toEqual(["STATS#E=2019#S=VALID", "STATS#A=西湖区教育局"]);
    expect(body?.ExpressionAttributeValues).toMatchObject({ ":agencyKey": "西湖区教育局", ":year": 2019, ":status": "VALID" });
    expect(source?.UpdateExpression).toContain("list_append(if_not_exists(sources, :empty), :entry)");
    expect(source?.UpdateExpression).toContain("ADD sourceKeys :uris");
    expect(source?.ConditionExpression).toContain("NOT contains(sourceKeys, :uri)");
    expect(source?.ExpressionAttributeValues?.[":uri"]).toBe("s3://ingest/reports/a.txt");
  });

  it("removes index keys instead of writing nulls when the agency or year is unknown", async () => {
    const { client, commands } = mockClient(() => ({}));
    const store = createDynamoRecordStore(client, "records");
    await store.putParsed({
      reportId: ID,
      status: "NEEDS_REVIEW",
      parserVersion: "1.0.0",
      record: partialRecord({ agency: null, year: null, edition: "2021", findings: [] }),
      source: SOURCE,
    });
    const body = bodyOf(commands);
    expect(body?.UpdateExpression).toMatch(/REMOVE .*#agencyKey/);
    expect(body?.UpdateExpression).toMatch(/REMOVE .*#year/);
    expect(Object.values(body?.ExpressionAttributeValues ?? {})).not.toContain(null);
  });

  it("keeps a finished record and reports its status when the body condition fails", async () => {
    // Prepare: the body write and the source append both find the record there already
    const { client } = mockClient((command) => {
      if (command instanceof TransactWriteCommand) return bodyCancelled();
      if (command instanceof UpdateCommand) return conditionFailed();
      if (command instanceof GetCommand) {
        return { Item: { pk: `REPORT#${ID}`, sk: "RECORD", reportId: ID, status: "NEEDS_REVIEW", sources: [SOURCE] } };
      }
      return {};
    });
    const store = createDynamoRecordStore(client, "records");

    // Act
    const outcome = await store.putFailure({
      reportId: ID,
      parserVersion: "1.0.0",
      failure: { error: "TransientError", cause: "busy" },
      source: SOURCE,
    });

    // Assess
    expect(outcome).toEqual({ written: false, sourceAdded: false, status: "NEEDS_REVIEW" });
  });

  it("never lets a failure replace a finished record", async () => {
    const { client, commands } = mockClient(() => ({}));
    await createDynamoRecordStore(client, "records").putFailure({
      reportId: ID,
      parserVersion: "1.0.0",
      failure: { error: "UnreadableDocumentError", cause: "empty" },
      source: SOURCE,
    });
    expect(bodyOf(commands)?.ConditionExpression).toBe("(attribute_not_exists(pk) OR #status = :failed) AND attribute_not_exists(pk)");
  });

  it("turns throttling into a TransientError the state machine retries", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ProvisionedThroughputExceededException",
      $metadata: { httpStatusCode: 400 },
    });
    const { client } = mockClient(() => throttled);
    await expect(createDynamoRecordStore(client, "records").get(ID)).rejects.toBeInstanceOf(TransientError);
  });
});
