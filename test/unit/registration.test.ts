// What a resource class does around the SDK's registration (provider/lifecycle/registration.ts), seen by Pulumi's
// mock monitor: promise stacks off while it registers, the stack limit as it was afterwards, a synchronous throw
// out of the constructor keeps its message and gets the caller's stack, and PULUMI_DEBUG_PROMISE_LEAKS keeps
// promise stacks on.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

pulumi.runtime.setMocks(
  {
    newResource: (args: pulumi.runtime.MockResourceArgs) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
  },
  "lab",
  "dev",
  false,
);

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
  const declare = () => new TapInterface("", {});
  assert.throws(declare, (error: Error) => {
    assert.match(error.message, /Missing resource name argument/);
    assert.match(error.stack ?? "", /at declare \(/, "the stack starts at the caller's new");
    assert.ok((error.stack ?? "").includes(__filename), "the stack names this file");
    return true;
  });
  assert.equal(Error.stackTraceLimit, limit);
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
