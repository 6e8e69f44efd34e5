/**
 * Notifications for people: a report needs review, or could not be processed.
 * SNS in the cloud; locally one JSON line per notification in a log file.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { Status } from "../shared/status.ts";
import { rethrowClassified } from "../shared/transient.ts";

export type Notification = {
  reportId: string;
  status: Exclude<Status, "VALID">;
  subject: string;
  message: string;
  source?: string;
  agency?: string | null;
  year?: number | null;
  /** For NEEDS_REVIEW: the cells that do not add up. */
  cells?: string[];
  /** For NEEDS_REVIEW: each error finding in a few words (`resultsTotal.total 19≠0`). */
  problems?: string[];
  /** For FAILED: the error name and its reason. */
  error?: string;
  cause?: string;
};

export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

/** SNS subjects are ASCII-only in practice and at most 100 characters. */
function toSubject(subject: string): string {
  const ascii = subject.replace(/[^\x20-\x7e]/g, "").trim();
  return (ascii || "nianbao notification").slice(0, 100);
}

export function createSnsNotifier(client: SNSClient, topicArn: string): Notifier {
  return {
    async publish(notification) {
      try {
        await client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: toSubject(notification.subject),
            Message: JSON.stringify(notification, null, 2),
            MessageAttributes: {
              status: { DataType: "String", StringValue: notification.status },
              reportId: { DataType: "String", StringValue: notification.reportId },
            },
          }),
        );
      } catch (error) {
        rethrowClassified(error, "publish notification");
      }
    },
  };
}

/** The local stand-in for SNS: appends `{ time, ...notification }` as one JSON line. */
export function createFileNotifier(path: string, now: () => string = () => new Date().toISOString()): Notifier {
  return {
    async publish(notification) {
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, `${JSON.stringify({ time: now(), ...notification })}\n`, "utf8");
    },
  };
}
