/**
 * Every local stand-in (API, S3, DynamoDB Local, the Step Functions endpoint) listens on
 * 127.0.0.1 only: from any non-loopback address of this machine its port refuses connections.
 * A control server bound to all interfaces shows the probe does reach those addresses.
 */
import { connect, createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopbackArguments } from "../../local/dynamodb.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

/** This machine's own addresses that are not loopback (link-local IPv6 left out: it needs a zone). */
function nonLoopbackAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((a) => !a.internal && !a.address.toLowerCase().startsWith("fe80:"))
    .map((a) => a.address);
}

/** "open" when a TCP connection to host:port is accepted, else the socket error's code. */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  });
}

const portOf = (url: string) => Number(new URL(url).port);

describe("loopbackArguments", () => {
  const packageArgs = ["-Djava.library.path=../../lib/x/DynamoDBLocal_lib", "-jar", "../../lib/x/DynamoDBLocal.jar", "-dbPath", "/d", "-port", "8123", "-sharedDb"];

  it("runs the compiled launcher with the jar on its class path and keeps DynamoDB Local's options", () => {
    expect(loopbackArguments(packageArgs, { classDir: "/cache/abc" })).toEqual([
      "-Djava.library.path=../../lib/x/DynamoDBLocal_lib",
      "-cp",
      "../../lib/x/DynamoDBLocal.jar:/cache/abc",
      "LoopbackDynamoDbLocal",
      "-dbPath",
      "/d",
      "-port",
      "8123",
      "-sharedDb",
    ]);
  });

  it("runs the launcher's source file when it is not compiled", () => {
    const args = loopbackArguments(packageArgs, { source: "/repo/local/L.java" });
    expect(args.slice(1, 4)).toEqual(["-cp", "../../lib/x/DynamoDBLocal.jar", "/repo/local/L.java"]);
    expect(args).not.toContain("-jar");
  });

  it("refuses a command line without the jar", () => {
    expect(() => loopbackArguments(["-port", "1"], { source: "L.java" })).toThrow(/unexpected DynamoDB Local command line/);
  });
});

const addresses = nonLoopbackAddresses();
if (addresses.length === 0) {
  console.warn("SKIPPED: this machine has no non-loopback address, so 'listens on 127.0.0.1 only' cannot be probed here");
}

describe.skipIf(addresses.length === 0)("the local stand-ins on a machine with addresses " + addresses.join(", "), () => {
  let local: TestStack;
  let control: Server;

  beforeAll(async () => {
    local = await startTestStack("nianbao-loopback-");
    control = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => control.listen(0, "::", resolve));
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => control?.close(resolve));
    await local?.stop();
  });

  it("the probe reaches a server bound to all interfaces on each address (control)", async () => {
    const { port } = control.address() as { port: number };
    for (const address of addresses) expect(await probe(address, port), address).toBe("open");
  });

  it("each stand-in answers on 127.0.0.1 and refuses every non-loopback address", async () => {
    const services = {
      api: portOf(local.stack.apiUrl),
      s3: portOf(local.stack.s3Endpoint),
      dynamodb: portOf(local.stack.dynamoDbEndpoint),
      stepFunctions: portOf(local.stack.sfnEndpoint),
    };
    for (const [name, port] of Object.entries(services)) {
      expect(await probe("127.0.0.1", port), `${name} on 127.0.0.1`).toBe("open");
      for (const address of addresses) expect(await probe(address, port), `${name} on ${address}:${port}`).toBe("ECONNREFUSED");
    }
  });
});
