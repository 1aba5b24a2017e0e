// A resource renamed with `aliases`, then `pulumi stack rename`: the device stays (same ifindex, never
// replaced), is stamped anew for each new identity in an in-place update, and remains the stack's own (an
// update, a refresh and a destroy work). Its former identity can no longer claim it: a new stack under the old
// name, declaring the old resource, is refused the device. Run for a named tap and for one whose name is derived
// from its identity (which keeps the name it was given). A named tap renamed without an alias is a new
// resource wanting the old one's name: refused, with advice to declare the alias.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { namespaceFingerprint } from "../support/ip";
import { stampsOf } from "../reliability/kernelWatch";
import { describe as describeRun, type RunResult } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { assertGone, mustLink } from "./support/kernel";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { devicesOf, resourcesOf } from "./support/stateView";

const PROJECT = "cli-workflow-device";
const PROGRAM = join(testProgramsDirectory, "workflow-device");

function assertUpdatedNotReplaced(result: RunResult): void {
  assertOk(result);
  assert.deepEqual(result.changes, { update: 1, same: 1 }, describeRun(result));
}

function renameSequence(title: string, device: string): void {
  describe(title, () => {
    let stack: CliStack;
    let claimant: CliStack | undefined;
    let name = "";
    let ifindex = 0;

    before(async () => {
      stack = await CliStack.open({ projectDirectory: PROGRAM, stackName: "dev", config: { device } });
    });

    after(async () => {
      for (const opened of [claimant, stack]) {
        if (opened === undefined) continue;
        if (resourcesOf(await opened.exportState()).length > 0) await opened.destroy();
        await opened.close();
      }
    });

    /** The device's one stamp in the kernel, which the state records too. */
    async function assertStampedFor(identity: string): Promise<void> {
      const link = mustLink(name);
      assert.equal(link.ifindex, ifindex, `${name} is still the device first created`);
      const stamps = stampsOf(link);
      assert.equal(stamps.length, 1, `one stamp: ${stamps.join(" ")}`);
      assert.match(stamps[0]!, new RegExp(`^pulumi:${identity}:[0-9a-f]{8}$`), "stamped for the identity it has now");
      const [recorded] = devicesOf(await stack.exportState());
      assert.equal(recorded?.outputs.stamp, stamps[0], "the state records the stamp the device carries");
      assert.equal(recorded?.outputs.managedBy, identity.replaceAll(":", "/"));
    }

    test("up creates the tap", async () => {
      assertOk(await stack.up());
      const devices = devicesOf(await stack.exportState());
      assert.equal(devices.length, 1);
      ({ name, ifindex } = devices[0]!);
      if (device !== "") assert.equal(name, device);
      await assertStampedFor(`${PROJECT}:dev:keeper`);
    });

    const renamedWithoutAlias = device === "" ? undefined : test;
    renamedWithoutAlias?.("renamed without an alias: up is refused, saying to declare the old name as an alias; the device is untouched", async (t) => {
      await stack.setConfig("resource", "uplink");
      const before = namespaceFingerprint();
      const result = await stack.up();
      assert.equal(result.ok, false, describeRun(result));
      const refusal = result.errors.find((error) => error.includes(`${name} already exists`)) ?? "";
      t.diagnostic(`pulumi up said: ${refusal}`);
      assert.match(refusal, /it is the device of this stack's resource "keeper" \(stamp pulumi:cli-workflow-device:dev:keeper:[0-9a-f]{8}\)\./);
      assert.match(refusal, /declare its old name as an alias \(`aliases: \[\{ name: "keeper" \}\]`\)/);
      assert.equal(namespaceFingerprint(), before, "the device is untouched");
    });

    test("renamed with an alias: preview --diff shows an in-place update of managedBy, up keeps the device", async () => {
      await stack.setConfig("resource", "uplink");
      await stack.setConfig("aliasOf", "keeper");
      const preview = await stack.preview({ diff: true });
      assertOk(preview);
      assert.deepEqual(preview.changes, { update: 1, same: 1 }, describeRun(preview));
      const text = preview.output.join("\n");
      assert.match(text, /~ pulumi-nodejs:dynamic\/tuntap:TapInterface: \(update\)/);
      assert.match(text, new RegExp(`~ managedBy\\s*: "${PROJECT}/dev/keeper" => "${PROJECT}/dev/uplink"`));
      assert.doesNotMatch(text, /\(replace\)|~ name\b/);

      assertUpdatedNotReplaced(await stack.up());
      assert.deepEqual(devicesOf(await stack.exportState()).map((recorded) => recorded.resource), ["uplink"], "the state knows the resource by its new name");
      await assertStampedFor(`${PROJECT}:dev:uplink`);
    });

    test("an update after the alias rename changes the device in place", async () => {
      await stack.setConfig("mtu", "1500");
      assertUpdatedNotReplaced(await stack.up());
      assert.equal(mustLink(name).mtu, 1500);
      await assertStampedFor(`${PROJECT}:dev:uplink`);
    });

    test("pulumi stack rename: refresh finds the device, up stamps it for the new stack name", async () => {
      await stack.rename("prod");
      const refresh = await stack.refresh();
      assertOk(refresh);
      assert.deepEqual(refresh.changes, { same: 2 }, describeRun(refresh));
      const preview = await stack.preview({ diff: true });
      assert.match(preview.output.join("\n"), new RegExp(`~ managedBy\\s*: "${PROJECT}/dev/uplink" => "${PROJECT}/prod/uplink"`));
      assertUpdatedNotReplaced(await stack.up());
      await assertStampedFor(`${PROJECT}:prod:uplink`);
    });

    test("a new stack under the old name, declaring the old resource, cannot claim the device", async () => {
      const before = namespaceFingerprint();
      claimant = await CliStack.open({ projectDirectory: PROGRAM, stackName: "dev", config: { device } });
      const result = await claimant.up();
      assert.equal(result.ok, false, describeRun(result));
      const refusal = result.errors.find((error) => error.includes(`${name} already exists`));
      assert.ok(refusal, `the create is refused:\n${result.errors.join("\n")}`);
      assert.equal(namespaceFingerprint(), before, "the device is untouched");
      assert.deepEqual(devicesOf(await claimant.exportState()), [], "the new stack recorded no device");
    });

    test("destroy deletes the renamed stack's device", async () => {
      const result = await stack.destroy();
      assertOk(result);
      assert.deepEqual(result.changes, { delete: 2 }, describeRun(result));
      assertGone(name);
    });
  });
}

renameSequence("a named tap", "wfk0");
renameSequence("a tap named after its resource", "");
