// Two stacks on one host declaring the same device name. The first creates it; the second is refused with a
// message that says whose device it is and what to do, and the first stack's device is untouched and still
// its own. (A preview of the second cannot tell: a preview of a new resource only checks its inputs.)
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { namespaceFingerprint } from "../support/ip";
import { stableFingerprint, stampsOf } from "../reliability/kernelWatch";
import { describe as describeRun } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { assertGone, mustLink } from "./support/kernel";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { devicesOf } from "./support/stateView";

const PROGRAM = join(testProgramsDirectory, "workflow-device");
const DEVICE = "wfk0";

let first: CliStack;
let second: CliStack;
let emptyNamespace = "";

before(async () => {
  emptyNamespace = namespaceFingerprint();
  first = await CliStack.open({ projectDirectory: PROGRAM, stackName: "first" });
  second = await CliStack.open({ projectDirectory: PROGRAM, stackName: "second" });
});

after(async () => {
  for (const stack of [second, first]) {
    await stack.destroyAndClose();
  }
});

let firstDevice = "";

test("the first stack creates the device", async () => {
  assertOk(await first.up());
  firstDevice = stableFingerprint([DEVICE]);
  assert.match(stampsOf(mustLink(DEVICE))[0] ?? "", /^pulumi:cli-workflow-device:first:keeper:[0-9a-f]{8}$/);
});

test("the second stack's preview plans a create: only up can find the name taken", async () => {
  const result = await second.preview();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 2 }, describeRun(result));
});

test("the second stack's up is refused, saying whose device it is and what to do; the first's device is untouched", async (t) => {
  const result = await second.up();
  assert.equal(result.ok, false, describeRun(result));
  const refusal = result.errors.find((error) => error.includes(`${DEVICE} already exists`)) ?? "";
  t.diagnostic(`pulumi up said: ${refusal}`);
  assert.match(refusal, /^create wfk0: a tap device named wfk0 already exists and this stack did not create it for this resource: it is already managed by another Pulumi stack or resource \(stamp pulumi:cli-workflow-device:first:keeper:[0-9a-f]{8}/);
  assert.match(refusal, /Choose another name, or remove wfk0 from that stack first\./);
  assert.match(refusal, /Nothing was changed\.$/);
  assert.equal(stableFingerprint([DEVICE]), firstDevice, "the first stack's device is byte-for-byte as it was");
  assert.deepEqual(devicesOf(await second.exportState()), [], "the second stack recorded no device");
});

test("the first stack still owns its device: refresh finds no drift, an update works", async () => {
  const refresh = await first.refresh();
  assertOk(refresh);
  assert.deepEqual(refresh.changes, { same: 2 }, describeRun(refresh));
  await first.setConfig("mtu", "1500");
  const update = await first.up();
  assertOk(update);
  assert.deepEqual(update.changes, { update: 1, same: 1 }, describeRun(update));
  assert.equal(mustLink(DEVICE).mtu, 1500);
});

test("with another name the second stack goes up beside the first, and each destroy removes only its own", async () => {
  await second.setConfig("device", "wfk1");
  assertOk(await second.up());
  const firstBefore = stableFingerprint([DEVICE]);
  assertOk(await second.destroy());
  assertGone("wfk1");
  assert.equal(stableFingerprint([DEVICE]), firstBefore, "the first stack's device is untouched");
  assertOk(await first.destroy());
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
