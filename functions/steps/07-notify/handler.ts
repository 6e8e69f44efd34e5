/** Notify: tells people that a record needs review (which cells) or failed (why). */
import middy from "@middy/core";
import { getAdapter, type Notification } from "../../adapters/index.ts";
import { parseEventWith } from "../../shared/handler-kit.ts";
import { stepLogger } from "../../shared/logger.ts";
import { NotifyInput } from "../../shared/workflow-payloads.ts";

/** The notification for a stored record; undefined for a VALID one (nothing to say). */
export function buildNotification(event: NotifyInput): Notification | undefined {
  const { stored, parsed } = event;
  const source = `s3://${event.bucket}/${event.key}`;
  if (stored.status === "FAILED") {
    const failure = stored.failure ?? { error: "Unknown", cause: "no reason recorded" };
    return {
      reportId: stored.reportId,
      status: "FAILED",
      subject: `nianbao: FAILED ${event.key}`,
      message: `${source} could not be processed: ${failure.error}: ${failure.cause}`,
      source,
      error: failure.error,
      cause: failure.cause,
    };
  }
  if (stored.status === "NEEDS_REVIEW") {
    const cells = parsed?.errorCells ?? [];
    const problems = parsed?.problems ?? [];
    const who = [parsed?.agency, parsed?.year].filter((v) => v !== null && v !== undefined).join(" ");
    return {
      reportId: stored.reportId,
      status: "NEEDS_REVIEW",
      subject: `nianbao: NEEDS_REVIEW ${event.key}`,
      message: `${who || source} needs review, figures that do not add up (expected≠printed): ${
        problems.length ? problems.join(", ") : cells.join(", ") || "see its findings"
      }`,
      source,
      agency: parsed?.agency ?? null,
      year: parsed?.year ?? null,
      cells,
      problems,
    };
  }
  return undefined;
}

export const handler = middy<NotifyInput, { notified: boolean }>()
  .use(parseEventWith(NotifyInput))
  .handler(async (event) => {
    const log = stepLogger("notify", { reportId: event.stored.reportId });
    const notification = buildNotification(event);
    if (!notification) return { notified: false };
    await getAdapter("notifier").publish(notification);
    log.info("notified", { status: notification.status });
    return { notified: true };
  });
