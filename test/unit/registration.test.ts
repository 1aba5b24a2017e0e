// What a resource class does around the SDK's registration (provider/lifecycle/registration.ts), seen by Pulumi's
// mock monitor: the source position the engine is sent is the line of the user's `new`, the stack limit and the
// stack formatter are as they were afterwards, a synchronous throw out of the constructor keeps its message and
// gets the caller's stack, and PULUMI_DEBUG_PROMISE_LEAKS keeps promise stacks on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Bridge, TapInterface } from "pulumi-tuntap";

interface Sent {
  name: string;
  uri: string | undefined;
  line: number | undefined;
  frames: (string | undefined)[];
}

const sent: Sent[] = [];

/** The mock monitor, recording where each registration says its resource was declared. */
class RecordingMonitor extends MockMonitor {
  override async registerResource(req: resproto.RegisterResourceRequest, callback: (error: unknown, response: unknown) => void): Promise<void> {
    const position = req.getSourceposition();
    const frames = req.getStacktrace()?.getFramesList() ?? [];
    sent.push({ name: req.getName(), uri: position?.getUri(), line: position?.getLine(), frames: frames.map((frame) => frame.getPc()?.getUri()) });
    return super.registerResource(req, callback);
  }
}

pulumi.runtime.setMockOptions(
  new RecordingMonitor({
    newResource: (args: pulumi.runtime.MockResourceArgs) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
  }),
  "lab",
  "dev",
  false,
);

/** The line of the caller of this function, in this file. */
function callerLine(): number {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 3;
  const line = /:(\d+):\d+\)?$/.exec(new Error().stack?.split("\n")[2] ?? "")?.[1];
  Error.stackTraceLimit = saved;
  return Number(line);
}

async function registered(resource: pulumi.CustomResource): Promise<void> {
  await new Promise((resolve) => resource.urn.apply(resolve));
}

test("the source position sent is the line of the user's new, not the class's constructor", async () => {
  const [line, tap] = [callerLine(), new TapInterface("where", { name: "tap0" })];
  await registered(tap);
  const registration = sent.find((entry) => entry.name === "where");
  assert.ok(registration, "the tap was registered");
  assert.equal(registration.uri, pathToFileURL(__filename).href);
  assert.equal(registration.line, line);
  assert.ok(
    registration.frames.every((uri) => uri === undefined || !uri.includes("/resources/")),
    `no frame of a resource class: ${registration.frames.join(", ")}`,
  );
});

test("every kind's class registers from the user's line, and leaves the stack limit and formatter as they were", async () => {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  const bridge = new Bridge("bridged", { name: "br0" });
  assert.equal(Error.stackTraceLimit, limit);
  assert.equal(Error.prepareStackTrace, prepare);
  await registered(bridge);
  assert.equal(sent.find((entry) => entry.name === "bridged")?.uri, pathToFileURL(__filename).href);
});

test("promise stacks are off while a resource registers, and the limit as it was afterwards", () => {
  const limit = Error.stackTraceLimit;
  let during: number | undefined;
  new TapInterface("limited", {
    get mtu() {
      during = Error.stackTraceLimit;
      return 1400;
    },
  });
  assert.equal(during, 0);
  assert.equal(Error.stackTraceLimit, limit);
});

test("PULUMI_DEBUG_PROMISE_LEAKS keeps promise stacks on", () => {
  process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
  try {
    let during: number | undefined;
    new TapInterface("debugged", {
      get mtu() {
        during = Error.stackTraceLimit;
        return 1400;
      },
    });
    assert.equal(during, Error.stackTraceLimit);
  } finally {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  }
});

test("a synchronous throw out of the constructor keeps its message and gets the caller's stack", () => {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  const declare = () => new TapInterface("", {});
  assert.throws(declare, (error: Error) => {
    assert.match(error.message, /Missing resource name argument/);
    assert.match(error.stack ?? "", /at declare \(/, "the stack starts at the caller's new");
    assert.ok((error.stack ?? "").includes(__filename), "the stack names this file");
    return true;
  });
  assert.equal(Error.stackTraceLimit, limit);
  assert.equal(Error.prepareStackTrace, prepare);
});

test("an error out of a user's getter keeps its message and the stack of the caller", () => {
  const failing = () =>
    new TapInterface("failing", {
      get name(): string {
        throw new Error("no name today");
      },
    });
  assert.throws(failing, (error: Error) => error.message === "no name today" && /at failing \(/.test(error.stack ?? ""));
});
