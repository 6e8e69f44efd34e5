/**
 * The handlers' structured logger (powertools). Each invocation logs through a child
 * that carries the step and the report id on every line; children keep concurrent
 * local executions (one process, many reports) from mixing their keys.
 */
import { Logger } from "@aws-lambda-powertools/logger";

export const logger = new Logger({ serviceName: "nianbao" });

export type StepLogger = Logger;

/**
 * A logger for one invocation of one step.
 *
 * @example
 * const log = stepLogger("parse", { reportId });
 * log.info("parsed", { status });
 */
export function stepLogger(step: string, keys: Record<string, unknown> = {}): StepLogger {
  return logger.createChild({ persistentKeys: { step, ...keys } });
}
