// `protect` and `retainOnDelete` through the real CLI. A protected tap survives `pulumi destroy` and its
// removal from the program (the engine refuses both, saying how to unprotect). A retained tap is forgotten by
// the stack but stays in the kernel with its ownership stamp: the same stack and resource take it back on the
// next `up`; another stack's `adopt: true` is refused until the stamp is released as the refusal says, and
// then adopts it.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ip, namespaceFingerprint } from "../support/ip";
import { stampsOf } from "../reliability/kernelWatch";
import { describe as describeRun } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { assertGone, mustLink } from "./support/kernel";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { devicesOf, resourcesOf } from "./support/stateView";

const PROGRAM = join(testProgramsDirectory, "workflow-device");
const DEVICE = "wfk0";
const URN = "urn:pulumi:test::cli-workflow-device::pulumi-nodejs:dynamic/tuntap:TapInterface::keeper";

let stack: CliStack;
let other: CliStack | undefined;
let emptyNamespace = "";

before(async () => {
  emptyNamespace = namespaceFingerprint();
  stack = await CliStack.open({ projectDirectory: PROGRAM });
});

after(async () => {
  for (const opened of [other, stack]) {
    if (opened === undefined) continue;
    await opened.setConfig("protect", "false");
    await opened.setConfig("retainOnDelete", "false");
    if (resourcesOf(await opened.exportState()).length > 0) {
      await opened.up();
      await opened.destroy();
    }
    await opened.close();
  }
});

/** The device's stamp in the kernel (exactly one). */
function kernelStamp(): string {
  const stamps = stampsOf(mustLink(DEVICE));
  assert.equal(stamps.length, 1, `${DEVICE} carries one stamp: ${stamps.join(" ")}`);
  return stamps[0]!;
}

const PROTECTED = new RegExp(
  `resource "${URN.replaceAll(".", "\\.")}" cannot be deleted\\nbecause it is protected\\. To unprotect the resource, either remove the \`protect\` flag ` +
    `from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\\n\`pulumi state unprotect '${URN.replaceAll(".", "\\.")}'\``,
);

test("protect: pulumi destroy is refused and the device is kept", async (t) => {
  await stack.setConfig("protect", "true");
  assertOk(await stack.up());
  const before = namespaceFingerprint();
  const result = await stack.destroy();
  assert.equal(result.ok, false, describeRun(result));
  assert.ok(result.errors.some((error) => PROTECTED.test(error)), `the engine says why and how to unprotect:\n${result.errors.join("\n")}`);
  t.diagnostic(`pulumi destroy said: ${result.errors[0]?.replaceAll("\n", " ")}`);
  assert.equal(namespaceFingerprint(), before, "the device is untouched");
  assert.equal(devicesOf(await stack.exportState()).length, 1, "and still recorded");
});

test("protect: removing the tap from the program is refused the same way", async () => {
  const before = namespaceFingerprint();
  await stack.setConfig("declared", "false");
  const result = await stack.up();
  assert.equal(result.ok, false, describeRun(result));
  assert.ok(result.errors.some((error) => PROTECTED.test(error)), result.errors.join("\n"));
  assert.equal(namespaceFingerprint(), before, "the device is untouched");
  await stack.removeConfig("declared");
});

test("unprotected as the message says (protect removed, pulumi up): nothing in the kernel changes", async () => {
  const before = namespaceFingerprint();
  await stack.setConfig("protect", "false");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 2 }, describeRun(result));
  assert.equal(namespaceFingerprint(), before);
  const [tap] = (await stack.resources()).filter((resource) => resource.urn === URN);
  assert.notEqual(tap?.protect, true, "the state no longer protects it");
});

let retainedStamp = "";
let retainedIfindex = 0;

test("retainOnDelete: pulumi destroy forgets the tap and leaves the device, stamp and all", async () => {
  await stack.setConfig("retainOnDelete", "true");
  assertOk(await stack.up());
  const before = namespaceFingerprint();
  retainedStamp = kernelStamp();
  retainedIfindex = mustLink(DEVICE).ifindex;
  assert.match(retainedStamp, /^pulumi:cli-workflow-device:test:keeper:[0-9a-f]{8}$/);
  const result = await stack.destroy();
  assertOk(result);
  assert.deepEqual(result.changes, { delete: 2 }, describeRun(result));
  assert.ok(result.output.some((line) => /TapInterface keeper deleted \([0-9.]+s\)\[retain\]/.test(line)), "the CLI marks the delete [retain]");
  assert.equal(namespaceFingerprint(), before, "the device is exactly as it was");
  assert.deepEqual(resourcesOf(await stack.exportState()), [], "the stack has forgotten it");
});

test("the same stack and resource take the retained device back on the next up", async () => {
  await stack.setConfig("retainOnDelete", "false");
  await stack.setConfig("mtu", "1500");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 2 }, describeRun(result));
  const device = mustLink(DEVICE);
  assert.equal(device.ifindex, retainedIfindex, "the very same device");
  assert.equal(device.mtu, 1500, "brought to the declared settings");
  assert.equal(kernelStamp(), retainedStamp, "with its stamp");
  assert.equal(devicesOf(await stack.exportState())[0]?.outputs.stamp, retainedStamp);
});

test("another stack's adopt: true is refused until the stamp is released, as the refusal says; then it adopts the device", async (t) => {
  await stack.setConfig("retainOnDelete", "true");
  assertOk(await stack.up());
  assertOk(await stack.destroy());
  other = await CliStack.open({ projectDirectory: PROGRAM, stackName: "other", config: { adopt: "true" } });
  const before = namespaceFingerprint();
  const refused = await other.up();
  assert.equal(refused.ok, false, describeRun(refused));
  const refusal = refused.errors.find((error) => error.includes(`cannot adopt ${DEVICE}`)) ?? "";
  assert.match(refusal, new RegExp(`it is already managed by another Pulumi stack or resource \\(stamp ${retainedStamp}`));
  t.diagnostic(`pulumi up said: ${refusal}`);
  const release = /`(ip link property del dev \S+ altname \S+)`/.exec(refusal);
  assert.ok(release, `the refusal says how to release a retained device:\n${refusal}`);
  assert.equal(namespaceFingerprint(), before, "the refused adoption touched nothing");

  const [command, ...args] = release[1]!.split(" ");
  assert.equal(command, "ip");
  ip(...args);
  assert.deepEqual(stampsOf(mustLink(DEVICE)), [], "released");
  const adopted = await other.up();
  assertOk(adopted);
  assert.deepEqual(adopted.changes, { create: 1, same: 1 }, `the tap is created (the stack resource was, by the refused run)\n${describeRun(adopted)}`);
  assert.equal(mustLink(DEVICE).ifindex, retainedIfindex, "the same device, adopted");
  assert.match(kernelStamp(), /^pulumi:cli-workflow-device:other:keeper:[0-9a-f]{8}$/, "now stamped as the other stack's");

  const destroyed = await other.destroy();
  assertOk(destroyed);
  assertGone(DEVICE);
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
