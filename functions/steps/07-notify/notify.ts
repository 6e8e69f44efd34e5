/** Notify: tells people that a record needs review (which cells) or failed (why). */
import type { Notification, Notifier } from "../../adapters/notifier.ts";
import { stepLogger } from "../../shared/logger.ts";
import type { NotifyInput } from "../../shared/workflow-payloads.ts";
import { STATUS } from "../../shared/status.ts";

/** The notification for a stored record; undefined for a VALID one (nothing to say). */
export function buildNotification(event: NotifyInput): Notification | undefined {
  const { stored, parsed } = event;
  const source = `s3://${event.bucket}/${event.key}`;
  if (stored.status === STATUS.FAILED) {
    const failure = stored.failure ?? { error: "Unknown", cause: "no reason recorded" };
    return {
      reportId: stored.reportId,
      status: STATUS.FAILED,
      subject: `nianbao: FAILED ${event.key}`,
      message: `${source} 处理失败：${failure.cause}（${failure.error}）`,
      source,
      error: failure.error,
      cause: failure.cause,
    };
  }
  if (stored.status === STATUS.NEEDS_REVIEW) {
    const cells = parsed?.errorCells ?? [];
    const problems = parsed?.problems ?? [];
    const who = [parsed?.agency, parsed?.year].filter((v) => v !== null && v !== undefined).join(" ");
    return {
      reportId: stored.reportId,
      status: STATUS.NEEDS_REVIEW,
      subject: `nianbao: NEEDS_REVIEW ${event.key}`,
      message: `${who || source} 需要复核，数字不符：${problems.length ? problems.join("；") : cells.join("、") || "见其发现"}`,
      source,
      agency: parsed?.agency ?? null,
      year: parsed?.year ?? null,
      cells,
      problems,
    };
  }
  return undefined;
}

/** What Notify needs: where notifications go (SNS, or the local notifications log). */
export type NotifyDeps = { notifier: Notifier };

/**
 * Publishes the notification of a NEEDS_REVIEW or FAILED record; says nothing of a VALID one.
 *
 * @example
 * await runNotify({ bucket, key, parsed, stored }, { notifier }); // { notified: true }
 */
export async function runNotify(input: NotifyInput, deps: NotifyDeps): Promise<{ notified: boolean }> {
  const log = stepLogger("notify", { reportId: input.stored.reportId });
  const notification = buildNotification(input);
  if (!notification) return { notified: false };
  await deps.notifier.publish(notification);
  log.info("notified", { status: notification.status });
  return { notified: true };
}
