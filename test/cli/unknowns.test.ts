// A stack whose inputs depend on other resources' outputs. Previews must not fail on the unknown values
// (they reach Check and Diff as the unknown sentinel); up resolves them in dependency order; replacing the
// bridge (delete-before-replace: its name is fixed) asks Diff, with unknowns, whether its dependents must go
// too, and updates the port onto the new bridge.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { link, namespaceFingerprint } from "../support/ip";
import { describe as describeRun } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { assertGone, mustLink } from "./support/kernel";
import { assertChanges, assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";

let stack: CliStack;
let emptyNamespace = "";

before(async () => {
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "unknowns") });
  emptyNamespace = namespaceFingerprint();
});

after(async () => {
  await stack.destroyAndClose();
});

test("preview on an empty state succeeds although dependent inputs are unknown", async () => {
  const result = await stack.preview();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 4 }, describeRun(result));
  assert.equal(namespaceFingerprint(), emptyNamespace, "a preview touches nothing");
});

test("up resolves the outputs in dependency order", async () => {
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 4 }, describeRun(result));
  const bridge = mustLink("ubr0");
  const port = mustLink("uport0");
  assert.equal(bridge.linkinfo?.info_kind, "bridge");
  assert.equal(port.master, "ubr0", "the port joined the bridge named by the bridge's output");
  assert.equal(port.ifalias, `port of ifindex ${bridge.ifindex}`);
  assert.equal(mustLink("upeer0").txqlen, 500 + port.ifindex);
  assert.equal(result.outputs.bridgeIfindex, bridge.ifindex);
  assert.equal(result.outputs.peerTxQueueLength, 500 + port.ifindex);
});

test("a preview that replaces the bridge sees the dependents' inputs as unknown in Diff", async () => {
  await stack.setConfig("bridgeName", "ubr1");
  const result = await stack.preview();
  assertOk(result);
  assertChanges(result, ["replace", "same", "update"], "the bridge is replaced, its dependents updated");
  assert.equal(result.changes.replace, 1, describeRun(result));
  // The port's planned outputs are its inputs (the host cannot preview), so its ifindex is unknown too and
  // the peer computed from it shows as an update: a preview over-approximates, as Pulumi's does.
  assert.equal(result.changes.update, 2, describeRun(result));
});

test("up replaces the bridge before-delete and moves the port onto the new one", async () => {
  const oldPort = mustLink("uport0");
  const result = await stack.up();
  assertOk(result);
  assert.equal(result.changes.replace, 1, describeRun(result));
  assert.equal(result.changes.update, 1, describeRun(result));
  assertGone("ubr0");
  const bridge = mustLink("ubr1");
  const port = mustLink("uport0");
  assert.equal(port.ifindex, oldPort.ifindex, "the port was updated, not re-created");
  assert.equal(port.master, "ubr1");
  assert.equal(port.ifalias, `port of ifindex ${bridge.ifindex}`);
  const order = result.steps.map((step) => `${step.op} ${step.urn.split("::").pop()}`);
  assert.ok(order.indexOf("delete-replaced lan") < order.indexOf("create-replacement lan"), `delete before replace: ${order.join(", ")}`);
});

test("destroy deletes dependents before what they depend on", async () => {
  const result = await stack.destroy();
  assertOk(result);
  const order = result.steps.map((step) => step.urn.split("::").pop());
  assert.ok(order.indexOf("peer") < order.indexOf("port"), `peer before port: ${order.join(", ")}`);
  assert.ok(order.indexOf("port") < order.indexOf("lan"), `port before bridge: ${order.join(", ")}`);
  assert.equal(link("uport0"), undefined);
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
