/**
 * hierarchy.sum findings on a summary report's record (`hierarchy` attribute; [] = checked,
 * none), written conditionally on the record's `updatedAt` as it was read: a record stored
 * anew meanwhile is checked again by its own CrossYear run, so a stale result is dropped.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Finding } from "../report/record.ts";
import { KEY_PREFIXES, TABLE_KEYS, toReportPk } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";

export interface HierarchyStore {
  /** Replaces the record's hierarchy findings; false when the record changed since `updatedAt`. */
  write(reportId: string, updatedAt: string, findings: Finding[]): Promise<boolean>;
}

export function createDynamoHierarchyStore(client: DynamoDBDocumentClient, tableName: string): HierarchyStore {
  return {
    async write(reportId, updatedAt, findings) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [TABLE_KEYS.PARTITION_KEY.name]: toReportPk(reportId), [TABLE_KEYS.SORT_KEY.name]: KEY_PREFIXES.RECORD_SK },
            UpdateExpression: "SET hierarchy = :findings",
            ConditionExpression: "updatedAt = :seen",
            ExpressionAttributeValues: { ":findings": findings, ":seen": updatedAt },
          }),
        );
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
        return rethrowClassified(error, `write the hierarchy findings of ${reportId}`);
      }
    },
  };
}
