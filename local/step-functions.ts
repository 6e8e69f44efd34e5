/**
 * The local Step Functions: aws-local-stepfunctions interprets the pipeline's one
 * definition (lib/workflow.ts); each Task runs, in this process, the same handler
 * function its Lambda exports. Executions run in the background with bounded
 * concurrency and are logged to a JSON-lines history file.
 */
import "./polyfill.ts";
import { appendFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import type { StateMachineDefinition } from "../lib/workflow.ts";

/** A Lambda handler as the functions export it (middy). */
export type LambdaHandler = (event: any, context: Context) => Promise<unknown>;

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";

export type Execution = {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
};

export class ExecutionAlreadyExistsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExecutionAlreadyExists";
  }
}

export type LocalStateMachine = {
  stateMachineArn: string;
  start(name: string, input: string): Execution;
  describe(executionArn: string): Execution | undefined;
  list(): Execution[];
  /** Resolves when no execution is running or waiting. */
  idle(): Promise<void>;
  /** Aborts running executions and drops waiting ones (shutdown: their stand-ins are going away). */
  abortAll(): void;
};

export type LocalStateMachineOptions = {
  stateMachineArn: string;
  definition: StateMachineDefinition;
  /** Task resource (ARN or name) -> the handler its Lambda exports. */
  handlers: Record<string, LambdaHandler>;
  concurrency?: number;
  historyFile?: string;
  /** Replaces every Retry pause with this many milliseconds (tests); default: the definition's backoff. */
  retryIntervalMs?: number;
};

function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 15 * 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Builds a local state machine from the pipeline's definition.
 *
 * @example
 * const machine = await createLocalStateMachine({ stateMachineArn, definition, handlers });
 * machine.start("run-1", JSON.stringify({ bucket, key }));
 * await machine.idle();
 */
export async function createLocalStateMachine(options: LocalStateMachineOptions): Promise<LocalStateMachine> {
  // Imported here, after the polyfill above has run.
  const { StateMachine } = await import("aws-local-stepfunctions");
  const machine = new StateMachine(options.definition as never);

  const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [stateName, state] of Object.entries(options.definition.States)) {
    if (state.Type !== "Task") continue;
    const handler = options.handlers[state.Resource];
    if (!handler) throw new Error(`no local handler for ${stateName} (${state.Resource})`);
    const functionName = state.Resource.split(":").pop() ?? stateName;
    overrides[stateName] = (input) => handler(input, lambdaContext(functionName));
    if (options.retryIntervalMs !== undefined) retryIntervalOverrides[stateName] = options.retryIntervalMs;
  }

  const executions = new Map<string, Execution>();
  const waiting: { execution: Execution; go: () => void }[] = [];
  const idleWaiters: (() => void)[] = [];
  const limit = Math.max(1, options.concurrency ?? 2);
  let running = 0;
  const aborts = new Map<string, () => void>();

  function settleIdle() {
    if (running === 0 && waiting.length === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  async function record(execution: Execution) {
    if (!options.historyFile) return;
    const { input: _input, ...line } = execution;
    await appendFile(options.historyFile, `${JSON.stringify(line)}\n`, "utf8").catch(() => undefined);
  }

  async function run(execution: Execution) {
    try {
      const handle = machine.run(JSON.parse(execution.input), {
        overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
      });
      aborts.set(execution.executionArn, handle.abort);
      const result = await handle.result;
      execution.status = "SUCCEEDED";
      execution.output = JSON.stringify(result);
    } catch (error) {
      const e = error as Error & { cause?: unknown };
      execution.status = e.name === "ExecutionAbortedError" ? "ABORTED" : "FAILED";
      execution.error = e.name;
      execution.cause = typeof e.cause === "string" ? e.cause : e.message;
    } finally {
      aborts.delete(execution.executionArn);
      execution.stopDate = new Date();
      await record(execution);
    }
  }

  function schedule(execution: Execution) {
    const go = () => {
      running++;
      void run(execution).finally(() => {
        running--;
        waiting.shift()?.go();
        settleIdle();
      });
    };
    if (running < limit) go();
    else waiting.push({ execution, go });
  }

  return {
    stateMachineArn: options.stateMachineArn,
    start(name, input) {
      const executionArn = `${options.stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
      const existing = executions.get(executionArn);
      if (existing) {
        if (existing.input === input) return existing;
        throw new ExecutionAlreadyExistsError(`Execution Already Exists: '${executionArn}'`);
      }
      const execution: Execution = {
        executionArn,
        stateMachineArn: options.stateMachineArn,
        name,
        status: "RUNNING",
        input,
        startDate: new Date(),
      };
      executions.set(executionArn, execution);
      schedule(execution);
      return execution;
    },
    describe: (executionArn) => executions.get(executionArn),
    list: () => [...executions.values()],
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    abortAll() {
      for (const { execution } of waiting.splice(0)) {
        execution.status = "ABORTED";
        execution.stopDate = new Date();
      }
      for (const abort of aborts.values()) abort();
      settleIdle();
    },
  };
}
