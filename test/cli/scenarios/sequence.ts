// The life of a stack, for any program in the table, run as its users run it (`pulumi` in the program's own
// directory, through the Node language host): preview on an empty state, up, up again and
// `preview --expect-no-changes` (no changes), an in-place update then `refresh --expect-no-changes`, a
// replacement, drift then refresh then up, devices deleted behind the stack's back then refresh then up, destroy,
// `pulumi stack rm` — each command's report checked, the kernel checked with `ip -j`, and the program's directory
// left as it was found.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ip, namespaceFingerprint } from "../../support/ip";
import { describe as describeRun, type RunResult } from "../support/result";
import { repositoryRoot } from "../support/paths";
import { CliStack } from "../support/cliStack";
import { devicesOf, type ManagedDevice, resourcesOf } from "../support/stateView";
import { routesThrough } from "../support/routeState";
import { routeLines } from "../../support/ipRoute";
import { assertDevicesExist, assertGone } from "../support/kernel";
import type { ProgramScenario } from "./programTable";

export function assertOk(result: RunResult): void {
  assert.ok(result.ok, describeRun(result));
}

/** Only these kinds of change, each at least once. */
export function assertChanges(result: RunResult, expected: readonly string[], message: string): void {
  const kinds = Object.keys(result.changes).sort();
  assert.deepEqual(kinds, [...expected].sort(), `${message}\n${describeRun(result)}`);
}

async function devices(stack: CliStack): Promise<ManagedDevice[]> {
  return devicesOf(await stack.exportState());
}

export function programSequence(scenario: ProgramScenario): void {
  describe(`program ${scenario.directory}`, () => {
    let stack: CliStack;
    let closed = false;
    const directory = join(repositoryRoot, scenario.directory);
    const filesBefore = readdirSync(directory).sort();
    let emptyNamespace = "";
    let namedNamespaces = "";
    let planned = 0;

    before(async () => {
      stack = await CliStack.open({ projectDirectory: directory, config: scenario.config ?? {} });
      emptyNamespace = namespaceFingerprint();
      namedNamespaces = ip("netns", "list");
    });

    after(async () => {
      if (stack === undefined || closed) return;
      await stack.destroyAndClose();
    });

    test("preview on an empty state plans the creates and changes nothing", async (t) => {
      const result = await stack.preview();
      t.diagnostic(`preview took ${Math.round(result.durationMs)} ms`);
      assertOk(result);
      assertChanges(result, ["create"], "a preview of a new stack only creates");
      planned = result.changes.create ?? 0;
      assert.ok(planned >= 2, "the stack and at least one resource");
      assert.equal(namespaceFingerprint(), emptyNamespace, "the kernel is untouched");
      assert.deepEqual(resourcesOf(await stack.exportState()), [], "a preview writes no state");
    });

    test("up creates what the preview planned", async (t) => {
      const result = await stack.up();
      t.diagnostic(`up took ${Math.round(result.durationMs)} ms`);
      assertOk(result);
      assert.deepEqual(result.changes, { create: planned }, describeRun(result));
      const managed = await devices(stack);
      assert.ok(managed.length > 0, "the state records the devices");
      assertDevicesExist(managed);
      scenario.afterUp(managed);
    });

    test("up again changes nothing", async (t) => {
      const before = namespaceFingerprint();
      const result = await stack.up();
      t.diagnostic(`no-change up took ${Math.round(result.durationMs)} ms`);
      assertOk(result);
      assert.deepEqual(result.changes, { same: planned }, describeRun(result));
      assert.equal(namespaceFingerprint(), before, "the kernel is untouched");
    });

    test("preview --expect-no-changes passes", async () => {
      const result = await stack.preview({ expectNoChanges: true });
      assertOk(result);
      assert.deepEqual(result.changes, { same: planned }, describeRun(result));
    });

    test("a config change updates in place", async () => {
      for (const [key, value] of Object.entries(scenario.update.config)) await stack.setConfig(key, value);
      const beforePreview = namespaceFingerprint();
      const preview = await stack.preview();
      assertOk(preview);
      assertChanges(preview, ["same", "update"], "the preview plans in-place updates only");
      assert.equal(namespaceFingerprint(), beforePreview, "the preview touched nothing");
      const previous = await devices(stack);
      const result = await stack.up();
      assertOk(result);
      assertChanges(result, ["same", "update"], "the up updates in place");
      assert.equal(result.changes.update, preview.changes.update, "as many updates as the preview planned");
      const current = await devices(stack);
      // By resource: the state lists updated resources in the order their updates finished.
      const ifindexes = (managed: readonly ManagedDevice[]) => Object.fromEntries(managed.map((device) => [device.urn, device.ifindex]));
      assert.deepEqual(ifindexes(current), ifindexes(previous), "the same devices: updated, not re-created");
      assertDevicesExist(current);
      scenario.update.expect(current);
    });

    test("refresh --expect-no-changes then finds the kernel as the update left it", async () => {
      const before = namespaceFingerprint();
      const result = await stack.refresh({ expectNoChanges: true });
      assertOk(result);
      assert.deepEqual(result.changes, { same: planned }, describeRun(result));
      assert.equal(namespaceFingerprint(), before, "a refresh changes nothing in the kernel");
    });

    test("a config change that needs a new device replaces it", async () => {
      for (const [key, value] of Object.entries(scenario.replace.config)) await stack.setConfig(key, value);
      const preview = await stack.preview();
      assertOk(preview);
      assert.ok((preview.changes.replace ?? 0) > 0, `the preview plans a replacement\n${describeRun(preview)}`);
      const result = await stack.up();
      assertOk(result);
      assert.equal(result.changes.replace, preview.changes.replace, `the replacements planned\n${describeRun(result)}`);
      const state = await stack.exportState();
      assert.deepEqual(
        resourcesOf(state).filter((resource) => resource.delete === true || resource.pendingReplacement === true),
        [],
        "no replaced resource is left pending in the state",
      );
      assertDevicesExist(devicesOf(state));
      scenario.replace.expect(devicesOf(state));
    });

    test("drift made with ip is recorded by refresh and repaired by up", async () => {
      scenario.drift.make(await devices(stack));
      const refresh = await stack.refresh();
      assertOk(refresh);
      assert.ok((refresh.changes.update ?? 0) > 0, `refresh reports the drift as an update\n${describeRun(refresh)}`);
      scenario.drift.inState(await devices(stack));
      const up = await stack.up();
      assertOk(up);
      assert.equal(up.changes.update, refresh.changes.update, `up puts back what drifted\n${describeRun(up)}`);
      scenario.drift.repaired(await devices(stack));
    });

    test("devices deleted behind the stack's back leave the state on refresh and come back on up", async () => {
      const managed = await devices(stack);
      // Routes out of these devices go with them: the kernel deletes them.
      const routes = routesThrough(await stack.exportState(), managed);
      for (const device of managed) ip(...(device.netns === undefined ? [] : ["-n", device.netns]), "link", "delete", device.name);
      const refresh = await stack.refresh();
      assertOk(refresh);
      assert.equal(refresh.changes.delete, managed.length + routes, `refresh drops what is gone\n${describeRun(refresh)}`);
      assert.deepEqual(await devices(stack), [], "the state no longer records the devices");
      const up = await stack.up();
      assertOk(up);
      assert.equal(up.changes.create, managed.length + routes, `up creates them again\n${describeRun(up)}`);
      const recreated = await devices(stack);
      assert.deepEqual(recreated.map((device) => device.name).sort(), managed.map((device) => device.name).sort());
      assertDevicesExist(recreated);
    });

    test("destroy deletes everything and leaves the namespace as it found it", async (t) => {
      const managed = await devices(stack);
      const result = await stack.destroy();
      t.diagnostic(`destroy took ${Math.round(result.durationMs)} ms`);
      assertOk(result);
      assert.equal(result.changes.delete, planned, describeRun(result));
      for (const device of managed) assertGone(device.name, device.netns);
      assert.deepEqual(resourcesOf(await stack.exportState()), [], "the state is empty");
      assert.equal(namespaceFingerprint(), emptyNamespace, "nothing is left in the kernel");
      assert.equal(ip("netns", "list"), namedNamespaces, "no named network namespace is left");
      assert.deepEqual(routeLines("238"), [], "no route of ours is left");
    });

    test("pulumi stack rm leaves the program's directory as it was", async () => {
      await stack.close();
      closed = true;
      assert.deepEqual(readdirSync(directory).sort(), filesBefore, `no file of the stack is left in ${scenario.directory}`);
    });
  });
}
