// Changes made behind the stack's back with `ip`, through the engine (up → change → refresh → up), on a stack
// of two bridges and three taps (programs/behind-our-back):
// - a device deleted: refresh drops it, up creates it again;
// - MTU, addresses, flags, queue length, alias, bridge membership changed: refresh records it, up restores it;
// - a device deleted and re-made under the same name by someone else: update and delete refuse, saying why
//   and what to do, and change nothing; the remedies they name (refresh, then adopt) work.
// Every outcome is checked with `ip -j`. The suite prints how many cases it tried and how many passed.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { describe as describeRun, type RunResult } from "../cli/support/result";
import { repositoryRoot } from "../cli/support/paths";
import { CliStack } from "../cli/support/cliStack";
import { deviceNamed, devicesOf, type ManagedDevice, resourcesOf } from "../cli/support/stateView";
import { tapInterfaceProvider } from "pulumi-tuntap";
import { cidrs, ip, mustLink } from "../support/ip";
import { create } from "../support/providers";
import { stableFingerprint, stampsOf } from "./kernelWatch";

const PROJECT = "reliability-behind-our-back";
const MTU = 1400;

const figures = { tried: 0, passed: 0 };

let stack: CliStack;
let namespaceBefore = "";

before(async () => {
  namespaceBefore = stableFingerprint();
  stack = await CliStack.open({ projectDirectory: join(repositoryRoot, "test", "reliability", "programs", "behind-our-back") });
  const up = await stack.up();
  assert.ok(up.ok, describeRun(up));
});

after(async () => {
  if (stack !== undefined) {
    await stack.destroyAndClose();
  }
  console.log(`faults (changes behind our back): ${figures.tried} tried, ${figures.passed} passed`);
});

/** A case counts as passed only when its body ran to the end. */
function faultCase(title: string, body: () => Promise<void>): void {
  test(title, async () => {
    figures.tried++;
    await body();
    figures.passed++;
  });
}

async function stateOf(name: string): Promise<ManagedDevice> {
  const device = deviceNamed(await stack.exportState(), name);
  assert.ok(device, `the state records ${name}`);
  return device;
}

function assertChanges(result: RunResult, expected: Record<string, number>, what: string): void {
  assert.ok(result.ok, `${what}\n${describeRun(result)}`);
  const changed = Object.fromEntries(Object.entries(result.changes).filter(([kind]) => kind !== "same"));
  assert.deepEqual(changed, expected, `${what}\n${describeRun(result)}`);
}

/** The whole stack as declared, device by device, and recorded in the state as it is in the kernel. */
async function assertAsDeclared(): Promise<void> {
  const tap0 = mustLink("bob-tap0");
  assert.equal(tap0.mtu, MTU, "bob-tap0 MTU");
  assert.deepEqual(cidrs("bob-tap0"), ["10.71.0.1/24", "fd71::1/64"], "bob-tap0 addresses");
  assert.ok(tap0.flags.includes("UP"), "bob-tap0 up");
  assert.equal(tap0.promiscuity ?? 0, 0, "bob-tap0 not promiscuous");
  assert.equal(tap0.txqlen, 500, "bob-tap0 txqueuelen");
  assert.equal(tap0.ifalias, "plain tap", "bob-tap0 alias");
  const tap1 = mustLink("bob-tap1");
  assert.equal(tap1.master, "bob-br0", "bob-tap1 is a port of bob-br0");
  assert.ok(tap1.flags.includes("UP"), "bob-tap1 up");
  assert.equal(tap1.mtu, MTU);
  mustLink("bob-tap2");
  assert.deepEqual(cidrs("bob-tap2"), ["10.72.0.1/24"]);
  const br0 = mustLink("bob-br0");
  assert.equal(br0.linkinfo?.info_kind, "bridge");
  assert.equal(br0.mtu, MTU);
  assert.deepEqual(cidrs("bob-br0"), ["10.70.0.1/24"]);
  assert.equal(br0.ifalias, "lab bridge");
  assert.ok(br0.flags.includes("UP"), "bob-br0 up");
  const br1 = mustLink("bob-br1");
  assert.deepEqual(cidrs("bob-br1"), ["10.73.0.1/24"]);
  assert.ok(br1.flags.includes("UP"), "bob-br1 up");
  assert.equal(br1.mtu, MTU);
  const devices = devicesOf(await stack.exportState());
  assert.equal(devices.length, 5, "the state records five devices");
  for (const device of devices) {
    const kernel = mustLink(device.name);
    assert.equal(kernel.ifindex, device.ifindex, `${device.name}: the state records the device in the kernel`);
    assert.deepEqual(stampsOf(kernel), [device.outputs.stamp], `${device.name} carries the stamp in the state`);
  }
}

describe("deleted behind our back", () => {
  faultCase("a tap deleted: refresh drops it, up creates it again", async () => {
    const old = mustLink("bob-tap2");
    ip("link", "delete", "bob-tap2");
    assertChanges(await stack.refresh(), { delete: 1 }, "refresh drops the deleted tap");
    assert.equal(deviceNamed(await stack.exportState(), "bob-tap2"), undefined, "the state forgot bob-tap2");
    assertChanges(await stack.up(), { create: 1 }, "up creates it again");
    assert.notEqual(mustLink("bob-tap2").ifindex, old.ifindex, "a new device");
    await assertAsDeclared();
  });

  faultCase("a bridge with a port deleted: refresh drops it and shows the port loose; up makes it and puts the port back", async () => {
    ip("link", "delete", "bob-br0");
    assertChanges(await stack.refresh(), { delete: 1, update: 1 }, "refresh drops the bridge and records the loose port");
    assert.equal(deviceNamed(await stack.exportState(), "bob-br0"), undefined);
    assert.equal((await stateOf("bob-tap1")).outputs.bridge, null, "the port's state shows no bridge");
    assertChanges(await stack.up(), { create: 1, update: 1 }, "up makes the bridge and rejoins the port");
    await assertAsDeclared();
  });
});

describe("changed behind our back", () => {
  faultCase("MTU changed: refresh records it, up restores it", async () => {
    ip("link", "set", "bob-tap0", "mtu", "1300");
    assertChanges(await stack.refresh(), { update: 1 }, "refresh records the MTU");
    assert.equal((await stateOf("bob-tap0")).outputs.mtu, 1300);
    assertChanges(await stack.up(), { update: 1 }, "up restores it");
    await assertAsDeclared();
  });

  faultCase("MTU lowered below IPv6's minimum (the kernel drops the IPv6 address): up restores the MTU, then the address", async () => {
    ip("link", "set", "bob-tap0", "mtu", "1200");
    assert.deepEqual(cidrs("bob-tap0"), ["10.71.0.1/24"], "the kernel removed fd71::1 with the MTU");
    assertChanges(await stack.refresh(), { update: 1 }, "refresh records both");
    const recorded = (await stateOf("bob-tap0")).outputs;
    assert.equal(recorded.mtu, 1200);
    assert.deepEqual(recorded.addresses, ["10.71.0.1/24"]);
    assertChanges(await stack.up(), { update: 1 }, "up restores both");
    await assertAsDeclared();
  });

  faultCase("addresses changed: refresh records them, up restores exactly the declared set", async () => {
    ip("addr", "del", "10.71.0.1/24", "dev", "bob-tap0");
    ip("addr", "add", "10.71.9.9/24", "dev", "bob-tap0");
    assertChanges(await stack.refresh(), { update: 1 }, "refresh records the addresses");
    assert.deepEqual([...((await stateOf("bob-tap0")).outputs.addresses as string[])].sort(), ["10.71.9.9/24", "fd71::1/64"]);
    assertChanges(await stack.up(), { update: 1 }, "up restores them");
    await assertAsDeclared();
  });

  faultCase("flags changed (down, promiscuous; the kernel drops IPv6 addresses when down): up restores them", async () => {
    ip("link", "set", "bob-tap0", "down");
    ip("link", "set", "bob-tap0", "promisc", "on");
    assertChanges(await stack.refresh(), { update: 1 }, "refresh records the flags");
    const recorded = (await stateOf("bob-tap0")).outputs;
    assert.equal(recorded.up, false);
    assert.equal(recorded.promiscuous, true);
    assertChanges(await stack.up(), { update: 1 }, "up restores them");
    await assertAsDeclared();
  });

  faultCase("queue length and alias changed: up restores them", async () => {
    ip("link", "set", "bob-tap0", "txqueuelen", "900");
    ip("link", "set", "bob-tap0", "alias", "someone else");
    assertChanges(await stack.refresh(), { update: 1 }, "refresh records them");
    const recorded = (await stateOf("bob-tap0")).outputs;
    assert.equal(recorded.txQueueLength, 900);
    assert.equal(recorded.description, "someone else");
    assertChanges(await stack.up(), { update: 1 }, "up restores them");
    await assertAsDeclared();
  });

  faultCase("a port taken out of its bridge, and a bridge downed and re-addressed: up restores both", async () => {
    ip("link", "set", "bob-tap1", "nomaster");
    ip("link", "set", "bob-br1", "down");
    ip("link", "set", "bob-br1", "mtu", "1280");
    ip("addr", "replace", "10.73.5.5/16", "dev", "bob-br1");
    assertChanges(await stack.refresh(), { update: 2 }, "refresh records both");
    assert.equal((await stateOf("bob-tap1")).outputs.bridge, null);
    const br1 = (await stateOf("bob-br1")).outputs;
    assert.equal(br1.up, false);
    assert.equal(br1.mtu, 1280);
    assert.deepEqual([...(br1.addresses as string[])].sort(), ["10.73.0.1/24", "10.73.5.5/16"]);
    assertChanges(await stack.up(), { update: 2 }, "up restores both");
    await assertAsDeclared();
  });

  faultCase("everything at once on every device: one refresh, one up", async () => {
    ip("link", "delete", "bob-tap2");
    ip("link", "set", "bob-tap0", "mtu", "1200", "promisc", "on", "txqueuelen", "42");
    ip("link", "set", "bob-tap1", "nomaster");
    ip("link", "set", "bob-tap1", "down");
    ip("link", "set", "bob-br0", "alias", "renamed by hand");
    ip("addr", "flush", "dev", "bob-br1");
    assertChanges(await stack.refresh(), { delete: 1, update: 4 }, "refresh records every change");
    assertChanges(await stack.up(), { create: 1, update: 4 }, "up restores every device");
    await assertAsDeclared();
  });
});

/**
 * The refusal of ForeignDeviceError for one device, read from that device's own error: why, and what to do.
 * For a device without a stamp the advice must include adopting it (shown to work below); for one that
 * another stack stamped, adopting cannot work (see "the refusal's advice").
 */
function assertRefusal(result: RunResult, operation: "update" | "delete", name: string, found: RegExp): string {
  assert.equal(result.ok, false, `the ${operation} is refused\n${describeRun(result)}`);
  const message = result.errors.find((error) => error.includes(`${operation} ${name}: `));
  assert.ok(message !== undefined, `an error about ${operation} ${name}\n${describeRun(result)}`);
  const why = new RegExp(
    `${operation} ${name}: refusing to touch ${name}: the device of that name is not the one this stack created ` +
      `\\(this stack's device carried pulumi:${PROJECT}:test:[a-z]+:[0-9a-f]{8}\\); `,
  );
  assert.match(message, why, "it says which device and why");
  assert.match(message, found, "it says what the device carries instead");
  assert.match(message, /Someone deleted and re-created it, or it belongs to something else\./, "it names the likely cause");
  assert.match(message, /run `pulumi refresh`/, "it says how to make the stack forget its old device");
  if (/no pulumi-tuntap ownership stamp/.test(message)) {
    assert.match(message, /declare it with `adopt: true`/, "it says how to take the device over");
    assert.match(message, /`pulumi state delete <urn>`/, "it says how to let it go");
  }
  return message;
}

describe("re-made under the same name by someone else", () => {
  let foreignTap = "";

  faultCase("a tap deleted and re-made by hand: the update refuses, saying why and what to do, and nothing changes", async () => {
    ip("link", "delete", "bob-tap2");
    ip("tuntap", "add", "dev", "bob-tap2", "mode", "tap");
    ip("addr", "add", "10.72.200.1/24", "dev", "bob-tap2");
    foreignTap = stableFingerprint(["bob-tap2"]);
    const before = stableFingerprint();
    await stack.setConfig("victimMtu", "1300");
    const result = await stack.up();
    assertRefusal(result, "update", "bob-tap2", /it carries no pulumi-tuntap ownership stamp/);
    assert.equal(stableFingerprint(), before, "the namespace is byte-for-byte the same");
  });

  faultCase("destroy refuses to delete it too, and leaves it as it is", async () => {
    const result = await stack.destroy();
    assertRefusal(result, "delete", "bob-tap2", /it carries no pulumi-tuntap ownership stamp/);
    assert.equal(stableFingerprint(["bob-tap2"]), foreignTap, "the foreign tap is byte-for-byte the same");
    assert.ok(deviceNamed(await stack.exportState(), "bob-tap2"), "the state still records the resource");
  });

  faultCase("the remedy named: refresh forgets it; up refuses the name until told to adopt; adopt takes it over", async () => {
    const refresh = await stack.refresh();
    assert.ok(refresh.ok, describeRun(refresh));
    assert.equal(deviceNamed(await stack.exportState(), "bob-tap2"), undefined, "refresh forgot the device that is not ours");
    assert.equal(stableFingerprint(["bob-tap2"]), foreignTap, "and did not touch it");
    const refused = await stack.up();
    assert.equal(refused.ok, false, describeRun(refused));
    assert.match(refused.errors.join("\n"), /create bob-tap2: a tap device named bob-tap2 already exists and this stack did not create it; .*set `adopt: true`/);
    assert.equal(stableFingerprint(["bob-tap2"]), foreignTap, "the refused create did not touch it");
    const foreignIndex = mustLink("bob-tap2").ifindex;
    await stack.setConfig("adoptVictim", "true");
    const adopted = await stack.up();
    assert.ok(adopted.ok, describeRun(adopted));
    const tap2 = mustLink("bob-tap2");
    assert.equal(tap2.ifindex, foreignIndex, "the very device was adopted");
    assert.equal(tap2.mtu, 1300, "and brought to the declared MTU");
    assert.deepEqual(cidrs("bob-tap2"), ["10.72.0.1/24"], "and addresses");
    assert.deepEqual(stampsOf(tap2), [(await stateOf("bob-tap2")).outputs.stamp], "and stamped as this stack's");
    await stack.removeConfig("adoptVictim");
    await stack.removeConfig("victimMtu");
    const settled = await stack.up();
    assert.ok(settled.ok, describeRun(settled));
    await assertAsDeclared();
  });

  faultCase("a bridge re-made by hand: the update refuses with the same explanation, and nothing changes", async () => {
    ip("link", "delete", "bob-br1");
    ip("link", "add", "bob-br1", "type", "bridge");
    const before = stableFingerprint();
    await stack.setConfig("loneMtu", "1300");
    assertRefusal(await stack.up(), "update", "bob-br1", /it carries no pulumi-tuntap ownership stamp/);
    assert.equal(stableFingerprint(), before, "the namespace is byte-for-byte the same");
  });

  faultCase("a tap re-made by another stack (its stamp): delete refuses and names that stamp; after refresh, destroy leaves both foreign devices", async () => {
    const otherStamp = `pulumi:${PROJECT}:other-stack:plain:0badc0de`;
    ip("link", "delete", "bob-tap0");
    ip("tuntap", "add", "dev", "bob-tap0", "mode", "tap");
    ip("link", "property", "add", "dev", "bob-tap0", "altname", otherStamp);
    const foreign = stableFingerprint(["bob-tap0", "bob-br1"]);
    // Both are in destroy's first round of deletes (nothing depends on them), so both are tried and refused.
    const refused = await stack.destroy();
    assertRefusal(refused, "delete", "bob-tap0", new RegExp(`it carries the stamp ${otherStamp}\\.`));
    assertRefusal(refused, "delete", "bob-br1", /it carries no pulumi-tuntap ownership stamp/);
    assert.equal(stableFingerprint(["bob-tap0", "bob-br1"]), foreign, "both foreign devices are byte-for-byte the same");

    const refresh = await stack.refresh();
    assert.ok(refresh.ok, describeRun(refresh));
    const destroy = await stack.destroy();
    assert.ok(destroy.ok, describeRun(destroy));
    assert.deepEqual(resourcesOf(await stack.exportState()), [], "the state is empty");
    assert.equal(stableFingerprint(["bob-tap0", "bob-br1"]), foreign, "both foreign devices are byte-for-byte the same");
    ip("link", "delete", "bob-tap0");
    ip("link", "delete", "bob-br1");
    assert.equal(stableFingerprint(), namespaceBefore, "nothing else is left: the namespace is as it was");
  });
});

describe("the refusal's advice", () => {
  faultCase(
    "for a device another stack stamped, the advice works: it does not send the user to `adopt: true`, which refuses such a device",
    async () => {
      // This stack's state says plain's device is bob-adv0 with its stamp; the device there now is another stack's.
      const theirs = await create(tapInterfaceProvider, { name: "bob-adv0", managedBy: `${PROJECT}/other-stack/plain` });
      const recorded = { ...theirs.outs, stamp: `pulumi:${PROJECT}:test:plain:12345678`, managedBy: `${PROJECT}/test/plain` };
      const before = stableFingerprint(["bob-adv0"]);
      const refusal = await tapInterfaceProvider.delete!("bob-adv0", recorded).then(
        () => assert.fail("the delete of another stack's device was not refused"),
        (error: Error) => error.message,
      );
      assert.match(refusal, new RegExp(`it carries the stamp ${String(theirs.outs.stamp)}\\.`));
      // Following the advice: adopt it from this stack. Adoption must refuse another stack's device...
      const adoption = await create(tapInterfaceProvider, { name: "bob-adv0", adopt: true, managedBy: `${PROJECT}/test/plain` }).then(
        () => undefined,
        (error: Error) => error.message,
      );
      assert.match(adoption ?? "", /cannot adopt bob-adv0: it is already managed by another Pulumi stack or resource/, "adopting another stack's device is refused");
      assert.equal(stableFingerprint(["bob-adv0"]), before, "neither the refusal nor the refused adoption touched it");
      ip("link", "delete", "bob-adv0");
      // ...so the refusal must not have advised it.
      assert.doesNotMatch(refusal, /declare it with `adopt: true`/, `the refusal advises what cannot work:\n${refusal}`);
    },
  );
});
