// A create that fails in the middle of an up: the run stops as Pulumi's does (the error names the device,
// the resource that waits on the failed one is never created, nothing else is deleted), the state keeps what
// was done and no pending operation, and the next up — with the cause fixed — finishes the job.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { link, namespaceFingerprint } from "../support/ip";
import { describe as describeRun } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { assertGone, mustLink } from "./support/kernel";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { devicesOf } from "./support/stateView";

let stack: CliStack;
let emptyNamespace = "";

before(async () => {
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "failing-step") });
  emptyNamespace = namespaceFingerprint();
});

after(async () => {
  await stack.destroyAndClose();
});

test("a failed create stops the up and keeps what was done", async () => {
  const result = await stack.up();
  assert.equal(result.ok, false, describeRun(result));
  assert.ok(
    result.errors.some((error) => error.includes("fs-a")),
    `the error names the device:\n${result.errors.join("\n")}`,
  );
  const first = mustLink("fs-a");
  assertGone("fs-c");
  const state = await stack.exportState();
  assert.deepEqual(
    devicesOf(state).map((device) => [device.resource, device.name, device.ifindex]),
    [["first", "fs-a", first.ifindex]],
    "the state records the device that was created, and only it",
  );
  assert.equal(state.deployment.pending_operations, undefined, "no operation is left pending");
});

test("the next up, with the cause fixed, creates the rest and keeps the first", async () => {
  const first = mustLink("fs-a");
  await stack.setConfig("secondName", "fs-b");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 2, same: 2 }, describeRun(result));
  assert.equal(mustLink("fs-a").ifindex, first.ifindex, "the first device was kept");
  mustLink("fs-b");
  assert.equal(mustLink("fs-c").ifalias, "after fs-b");
});

test("destroy cleans up", async () => {
  assertOk(await stack.destroy());
  assert.equal(link("fs-a"), undefined);
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
