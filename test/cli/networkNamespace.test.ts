// A NetworkNamespace through the real CLI, one stack through its whole life: preview → up → up with no change →
// lo taken down in place → a new name (a new namespace; the tap inside follows) → drift made with `ip`, seen by
// refresh and repaired by up → the namespace deleted behind the stack's back → destroy. Every step is checked
// independently with `ip netns list` and `ip -n NAME -j link`, and the order of the engine's steps shows that
// the namespace is made before the tap inside it and deleted after it.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ip, link, namespaceFingerprint, namespaceNames } from "../support/ip";
import { CliStack } from "./support/cliStack";
import { testProgramsDirectory } from "./support/paths";
import { describe as describeRun, type RunResult } from "./support/result";
import { assertOk } from "./scenarios/sequence";

let stack: CliStack;

const loopbackUp = (netns: string) => link("lo", netns)?.flags.includes("UP");
const inode = (netns: string) => statSync(`/run/netns/${netns}`).ino;
/** The engine's steps as "op resource", in the order they ran. */
const order = (result: RunResult) => result.steps.map((step) => `${step.op} ${step.urn.split("::").pop()}`);
/** Everything a run could have changed: the namespaces, and the links and addresses here and in each. */
const fingerprint = () => namespaceNames().map((name) => `${name}\n${namespaceFingerprint(name)}`).join("\n") + namespaceFingerprint();

before(async () => {
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "network-namespace") });
});

after(async () => {
  await stack.destroyAndClose();
});

test("preview plans the namespace and the tap and touches nothing", async () => {
  const before = fingerprint();
  const result = await stack.preview();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 3 }, describeRun(result));
  assert.deepEqual(namespaceNames(), [], "no namespace made");
  assert.equal(fingerprint(), before);
});

test("up makes the namespace (lo up, stamped), then the tap inside it", async () => {
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 3 }, describeRun(result));
  const steps = order(result);
  assert.ok(steps.indexOf("create lab") < steps.indexOf("create vm"), `namespace first: ${steps.join(", ")}`);
  assert.deepEqual(namespaceNames(), ["clins0"]);
  assert.ok(loopbackUp("clins0"), "lo is up inside");
  assert.match(link("lo", "clins0")?.altnames?.[0] ?? "", /^pulumi:cli-network-namespace:test:lab:[0-9a-f]{8}$/, "lo carries the stamp");
  assert.ok(link("clitap0", "clins0"), "the tap is inside the namespace");
  assert.equal(link("clitap0"), undefined, "and not here");
  assert.deepEqual(result.outputs, { namespaceName: "clins0", namespacePath: "/run/netns/clins0", tapNetns: "clins0" });
});

test("up again changes nothing", async () => {
  const before = fingerprint();
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 3 }, describeRun(result));
  assert.equal(fingerprint(), before, "the kernel is untouched");
});

test("loopbackUp false changes the namespace in place: lo down, same namespace, same tap", async () => {
  const namespace = inode("clins0");
  const tap = link("clitap0", "clins0")?.ifindex;
  await stack.setConfig("loopbackUp", "false");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 2, update: 1 }, describeRun(result));
  assert.equal(loopbackUp("clins0"), false, "lo is down inside");
  assert.equal(inode("clins0"), namespace, "the same namespace");
  assert.equal(link("clitap0", "clins0")?.ifindex, tap, "the same tap");
});

test("a new name makes a new namespace; the tap follows it; the old namespace goes after the tap left it", async () => {
  await stack.setConfig("namespaceName", "clins1");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 1, replace: 2 }, describeRun(result));
  const steps = order(result);
  assert.ok(steps.indexOf("create-replacement lab") < steps.indexOf("create-replacement vm"), `new namespace before the tap in it: ${steps.join(", ")}`);
  assert.ok(steps.indexOf("delete-replaced vm") < steps.indexOf("delete-replaced lab"), `old tap before old namespace: ${steps.join(", ")}`);
  assert.deepEqual(namespaceNames(), ["clins1"], "only the new namespace");
  assert.equal(loopbackUp("clins1"), false, "lo as declared");
  assert.ok(link("clitap0", "clins1"), "the tap is in the new namespace");
  assert.equal(result.outputs.tapNetns, "clins1");
});

test("lo brought up with ip is seen by refresh and put back down by up", async () => {
  ip("-n", "clins1", "link", "set", "lo", "up");
  const refresh = await stack.refresh();
  assertOk(refresh);
  assert.equal(refresh.changes.update, 1, `refresh records the drift\n${describeRun(refresh)}`);
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual(up.changes, { same: 2, update: 1 }, describeRun(up));
  assert.equal(loopbackUp("clins1"), false, "repaired");
});

test("a namespace deleted with ip (taking the tap with it) leaves the state on refresh and comes back on up", async () => {
  ip("netns", "del", "clins1");
  const refresh = await stack.refresh();
  assertOk(refresh);
  assert.equal(refresh.changes.delete, 2, `refresh drops the namespace and the tap that was in it\n${describeRun(refresh)}`);
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual(up.changes, { same: 1, create: 2 }, describeRun(up));
  assert.deepEqual(namespaceNames(), ["clins1"]);
  assert.ok(link("clitap0", "clins1"), "the tap is back inside");
});

test("destroy deletes the tap, then the namespace", async () => {
  const result = await stack.destroy();
  assertOk(result);
  assert.equal(result.changes.delete, 3, describeRun(result));
  const steps = order(result);
  assert.ok(steps.indexOf("delete vm") < steps.indexOf("delete lab"), `tap first: ${steps.join(", ")}`);
  assert.deepEqual(namespaceNames(), [], "ip netns list is empty again");
});
