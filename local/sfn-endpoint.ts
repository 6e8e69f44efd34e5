/**
 * A minimal Step Functions API (AWS JSON 1.0: StartExecution, DescribeExecution) in front
 * of the local state machine, so the ingest handler's SFN client works unchanged.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Execution, LocalStateMachine } from "./step-functions.ts";

export type LocalSfnEndpoint = { endpoint: string; stop: () => Promise<void> };

const epochSeconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

function describe(execution: Execution) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    input: execution.input,
    output: execution.output,
    error: execution.error,
    cause: execution.cause,
    startDate: epochSeconds(execution.startDate),
    stopDate: epochSeconds(execution.stopDate),
  };
}

export async function startLocalSfnEndpoint(machine: LocalStateMachine): Promise<LocalSfnEndpoint> {
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(payload));
      };
      const fail = (type: string, message: string) => reply(400, { __type: type, message });
      const target = String(req.headers["x-amz-target"] ?? "").replace(/^AWSStepFunctions\./, "");
      let request: Record<string, unknown>;
      try {
        request = JSON.parse(body || "{}") as Record<string, unknown>;
      } catch {
        return fail("SerializationException", "body is not JSON");
      }
      switch (target) {
        case "StartExecution": {
          if (request.stateMachineArn !== machine.stateMachineArn) {
            return fail("StateMachineDoesNotExist", `State Machine Does Not Exist: '${String(request.stateMachineArn)}'`);
          }
          try {
            const name = typeof request.name === "string" ? request.name : crypto.randomUUID();
            const execution = machine.start(name, typeof request.input === "string" ? request.input : "{}");
            return reply(200, { executionArn: execution.executionArn, startDate: epochSeconds(execution.startDate) });
          } catch (error) {
            return fail((error as Error).name, (error as Error).message);
          }
        }
        case "DescribeExecution": {
          const execution = machine.describe(String(request.executionArn));
          if (!execution) return fail("ExecutionDoesNotExist", `Execution Does Not Exist: '${String(request.executionArn)}'`);
          return reply(200, describe(execution));
        }
        default:
          return fail("UnknownOperationException", `${target} is not supported locally`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
