// TapInterface's provider called directly, on real devices, every outcome checked with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tapInterfaceProvider as provider } from "pulumi-tuntap";
import { ip, link } from "../support/ip";
import * as observe from "../support/ip";
import { checked, create, update } from "../support/providers";

const managedBy = "tuntap-tests/dev/lab";

describe("create", () => {
  test("the tutorial's tap0: owner root, 192.168.0.1/24, promiscuous, up", async () => {
    const tap0 = await create(provider, { name: "tap0", mode: "tap", owner: "root", mtu: 1500, addresses: ["192.168.0.1/24"], promiscuous: true, up: true, managedBy });
    assert.equal(tap0.id, "tap0");
    const seen = link("tap0");
    assert.ok(seen);
    assert.equal(seen.linkinfo?.info_data?.type, "tap");
    assert.equal(seen.linkinfo?.info_data?.user, "root");
    assert.equal(seen.linkinfo?.info_data?.persist, true);
    assert.ok(seen.flags.includes("UP") && seen.flags.includes("PROMISC"));
    assert.equal(seen.mtu, 1500);
    assert.deepEqual(observe.cidrs("tap0"), ["192.168.0.1/24"]);
    assert.equal(observe.addresses("tap0").find((info) => info.family === "inet")?.broadcast, "192.168.0.255");
    // Outputs agree with what ip reads.
    assert.equal(tap0.outs.ifindex, seen.ifindex);
    assert.equal(tap0.outs.macAddress, seen.address);
    assert.equal(tap0.outs.owner, 0);
    assert.equal(tap0.outs.promiscuous, true);
    assert.deepEqual(tap0.outs.addresses, ["192.168.0.1/24"]);
    assert.match(String(tap0.outs.stamp), /^pulumi:tuntap-tests:dev:lab:[0-9a-f]{8}$/);
    assert.deepEqual(seen.altnames, [tap0.outs.stamp]);
    await provider.delete?.(tap0.id, tap0.outs);
    assert.equal(link("tap0"), undefined);
  });

  test("every input lands on the device", async () => {
    const created = await create(provider, {
      name: "every0",
      owner: "root",
      group: 0,
      multiQueue: true,
      packetInfo: true,
      vnetHdr: true,
      mtu: 9000,
      macAddress: "52:54:00:AB:CD:EF",
      addresses: ["10.1.0.1/24", "fd00:1::1/64", "10.2.0.1/30"],
      up: false,
      promiscuous: true,
      txQueueLength: 100,
      description: "lab uplink",
      managedBy,
    });
    const seen = link("every0");
    assert.ok(seen);
    assert.deepEqual(
      { mq: seen.linkinfo?.info_data?.multi_queue, pi: seen.linkinfo?.info_data?.pi, vnet: seen.linkinfo?.info_data?.vnet_hdr, user: seen.linkinfo?.info_data?.user, group: seen.linkinfo?.info_data?.group },
      { mq: true, pi: true, vnet: true, user: "root", group: "root" },
    );
    assert.equal(seen.mtu, 9000);
    assert.equal(seen.address, "52:54:00:ab:cd:ef");
    assert.equal(seen.txqlen, 100);
    assert.equal(seen.ifalias, "lab uplink");
    assert.ok(!seen.flags.includes("UP"));
    assert.ok(seen.flags.includes("PROMISC"));
    assert.deepEqual(observe.cidrs("every0"), ["10.1.0.1/24", "10.2.0.1/30", "fd00:1::1/64"]);
    assert.deepEqual(
      { ...created.outs, stamp: undefined, ifindex: undefined },
      {
        name: "every0",
        mode: "tap",
        owner: 0,
        group: 0,
        multiQueue: true,
        packetInfo: true,
        vnetHdr: true,
        mtu: 9000,
        macAddress: "52:54:00:ab:cd:ef",
        addresses: ["10.1.0.1/24", "10.2.0.1/30", "fd00:1::1/64"],
        up: false,
        promiscuous: true,
        txQueueLength: 100,
        description: "lab uplink",
        // What the device lacks is recorded as null (a preview then knows it unset).
        bridge: null,
        netns: null,
        adopt: false,
        managedBy,
        stamp: undefined,
        ifindex: undefined,
      },
    );
  });

  test("a tun for a VPN: IPv4 and IPv6, MTU up to 65535, no MAC", async () => {
    const tun = await create(provider, { name: "vpn0", mode: "tun", owner: 65534, mtu: 65535, addresses: ["10.8.0.1/24", "fd00:8::1/64"], managedBy });
    const seen = link("vpn0");
    assert.equal(seen?.linkinfo?.info_data?.type, "tun");
    assert.equal(seen?.mtu, 65535);
    assert.equal(tun.outs.macAddress, null, "recorded as unset");
    assert.equal(tun.outs.owner, 65534);
    assert.deepEqual(observe.cidrs("vpn0"), ["10.8.0.1/24", "fd00:8::1/64"]);
  });

  test("a %d template: the kernel's choice is the id and the name output, and the template matches it later", async () => {
    ip("tuntap", "add", "dev", "vm0", "mode", "tap");
    const created = await create(provider, { name: "vm%d", managedBy });
    assert.equal(created.id, "vm1");
    assert.equal(created.outs.name, "vm1");
    assert.ok(link("vm1"));
    const inputs = await checked(provider, { name: "vm%d", managedBy });
    const diff = await provider.diff?.(created.id, created.outs, inputs);
    assert.equal(diff?.changes, false);
  });

  test("without a name, a stable name is derived from the resource's identity", async () => {
    const first = await checked(provider, { managedBy: "tuntap-tests/dev/uplink" });
    const again = await checked(provider, { managedBy: "tuntap-tests/dev/uplink" });
    assert.equal(first.name, again.name);
    assert.match(String(first.name), /^uplink-[0-9a-f]{6}$/);
    const created = await provider.create(first);
    assert.equal(created.id, first.name);
    assert.ok(link(created.id));
  });

  test("owner and group given by name resolve on this host, unknown names are check failures", async () => {
    const result = await provider.check?.({}, { name: "names0", owner: "no-such-user-here", group: "no-such-group-here" });
    assert.deepEqual(
      result?.failures?.map((failure) => failure.property),
      ["owner", "group"],
    );
    assert.match(result?.failures?.[0]?.reason ?? "", /no user named "no-such-user-here" exists on this host/);
  });
});

describe("refusals and rollback", () => {
  test("a name taken by a device this stack did not create is refused, and that device is left untouched", async () => {
    ip("link", "add", "taken0", "type", "veth", "peer", "name", "taken1");
    const before = observe.namespaceFingerprint();
    const inputs = await checked(provider, { name: "taken0", managedBy });
    await assert.rejects(provider.create(inputs), (error: Error) => {
      assert.match(error.message, /create taken0: .*a veth device named taken0 already exists and this stack did not create it/s);
      assert.match(error.message, /adopt: true/);
      return true;
    });
    assert.equal(observe.namespaceFingerprint(), before);
  });

  test("a create that fails halfway (an address the kernel refuses) removes what it made", async () => {
    ip("netns", "add", "noipv6");
    ip("-n", "noipv6", "link", "set", "lo", "up");
    // IPv6 switched off in that namespace: the model cannot know, the kernel refuses the address.
    execInNamespace("noipv6", ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
    const before = observe.namespaceFingerprint("noipv6");
    const inputs = await checked(provider, { name: "half0", netns: "noipv6", mtu: 1400, addresses: ["10.3.0.1/24", "fd00:3::1/64"], managedBy });
    await assert.rejects(provider.create(inputs), (error: Error) => {
      assert.match(error.message, /create half0: add address fd00:3::1\/64/);
      assert.match(error.message, /half0 was removed again; nothing was left behind/);
      return true;
    });
    assert.equal(link("half0", "noipv6"), undefined);
    assert.equal(observe.namespaceFingerprint("noipv6"), before);
  });

  test("an update that fails halfway is rolled back to the device as it was", async () => {
    const created = await create(provider, { name: "roll0", netns: "noipv6", mtu: 1500, addresses: ["10.4.0.1/24"], managedBy });
    const inputs = await checked(provider, { name: "roll0", netns: "noipv6", mtu: 9000, addresses: ["10.4.0.2/24", "fd00:4::1/64"], description: "changed", managedBy });
    await assert.rejects(provider.update?.(created.id, created.outs, inputs) ?? Promise.resolve(), /Rolled back: .*set mtu 9000/);
    const seen = link("roll0", "noipv6");
    assert.equal(seen?.mtu, 1500);
    assert.equal(seen?.ifalias, undefined);
    assert.deepEqual(observe.cidrs("roll0", "noipv6"), ["10.4.0.1/24"]);
  });
});

function execInNamespace(netns: string, command: string[]): void {
  ip("netns", "exec", netns, ...command);
}

describe("update", () => {
  test("changes exactly what differs, in place, and returns every output", async () => {
    const created = await create(provider, { name: "upd0", mtu: 1500, addresses: ["10.5.0.1/24", "10.5.1.1/24"], promiscuous: true, managedBy });
    const indexBefore = link("upd0")?.ifindex;
    const outs = await update(provider, created, {
      name: "upd0",
      mtu: 1400,
      macAddress: "52:54:00:00:00:05",
      addresses: ["10.5.1.1/24", "fd00:5::1/64"],
      promiscuous: false,
      up: false,
      txQueueLength: 10,
      description: "renamed uplink",
      owner: 0,
      group: 0,
      managedBy,
    });
    const seen = link("upd0");
    assert.equal(seen?.ifindex, indexBefore, "the same device, changed in place");
    assert.equal(seen?.mtu, 1400);
    assert.equal(seen?.address, "52:54:00:00:00:05");
    assert.equal(seen?.txqlen, 10);
    assert.equal(seen?.ifalias, "renamed uplink");
    assert.ok(!seen?.flags.includes("PROMISC") && !seen?.flags.includes("UP"));
    assert.equal(seen?.linkinfo?.info_data?.user, "root");
    assert.deepEqual(observe.cidrs("upd0"), ["10.5.1.1/24", "fd00:5::1/64"]);
    assert.equal(outs.mtu, 1400);
    assert.deepEqual([...(outs.addresses as string[])].sort(), ["10.5.1.1/24", "fd00:5::1/64"]);
    assert.equal(outs.stamp, created.outs.stamp);
    assert.equal(outs.owner, 0);
  });

  test("diff classes: name, mode and multiQueue replace, the old device first; the rest is in place", async () => {
    const created = await create(provider, { name: "cls0", managedBy });
    const diff = async (news: Record<string, unknown>) => provider.diff?.(created.id, created.outs, await checked(provider, { name: "cls0", managedBy, ...news }));
    assert.deepEqual(await diff({ name: "cls1" }), { changes: true, replaces: ["name"], deleteBeforeReplace: true });
    assert.deepEqual(await diff({ mode: "tun" }), { changes: true, replaces: ["mode"], deleteBeforeReplace: true });
    assert.deepEqual(await diff({ multiQueue: true }), { changes: true, replaces: ["multiQueue"], deleteBeforeReplace: true });
    assert.deepEqual(await diff({ name: "cls%d" }), { changes: false, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(await diff({ name: "other%d" }), { changes: true, replaces: ["name"], deleteBeforeReplace: true });
    assert.deepEqual(await diff({ mtu: 1400 }), { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(await diff({ vnetHdr: true, packetInfo: true }), { changes: false, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(await diff({}), { changes: false, replaces: [], deleteBeforeReplace: false });
  });
});

describe("read and drift", () => {
  test("read reports changes made behind our back with ip", async () => {
    const created = await create(provider, { name: "drift0", mtu: 1500, addresses: ["10.6.0.1/24"], managedBy });
    ip("link", "set", "drift0", "mtu", "1280", "promisc", "on", "down");
    ip("addr", "add", "10.6.9.9/24", "dev", "drift0");
    ip("addr", "del", "10.6.0.1/24", "dev", "drift0");
    const read = await provider.read?.(created.id, created.outs);
    assert.equal(read?.id, "drift0");
    assert.equal(read?.props.mtu, 1280);
    assert.equal(read?.props.promiscuous, true);
    assert.equal(read?.props.up, false);
    assert.deepEqual(read?.props.addresses, ["10.6.9.9/24"]);
    // The next up puts it back: diff against the refreshed state shows the change.
    const inputs = await checked(provider, { name: "drift0", mtu: 1500, addresses: ["10.6.0.1/24"], managedBy });
    const refreshed = { id: created.id, outs: read?.props as Record<string, unknown> };
    assert.equal((await provider.diff?.(refreshed.id, refreshed.outs, inputs))?.changes, true);
    await provider.update?.(refreshed.id, refreshed.outs, inputs);
    assert.equal(link("drift0")?.mtu, 1500);
    assert.ok(link("drift0")?.flags.includes("UP"));
    assert.ok(!link("drift0")?.flags.includes("PROMISC"));
    assert.deepEqual(observe.cidrs("drift0"), ["10.6.0.1/24"]);
  });

  test("a tap left outside the bridge it names (the kernel dropped it with its bridge, made again under that name) is a change to the diff; the update joins it back, the same tap", async () => {
    ip("link", "add", "portbr0", "type", "bridge");
    const inputs = { name: "port0", bridge: "portbr0", managedBy };
    const created = await create(provider, inputs);
    ip("link", "del", "portbr0");
    ip("link", "add", "portbr0", "type", "bridge");
    assert.equal(link("port0")?.master, undefined, "the kernel dropped the port");
    const outs = await update(provider, created, inputs);
    assert.equal(link("port0")?.master, "portbr0");
    assert.equal(outs.ifindex, created.outs.ifindex);
    await provider.delete?.(created.id, outs);
    ip("link", "del", "portbr0");
  });

  test("what the tap lacks is recorded as null, and a recorded state holding those nulls diffs as no change", async () => {
    const created = await create(provider, { name: "bare0", managedBy });
    assert.deepEqual(
      ["owner", "group", "description", "bridge", "netns"].map((key) => created.outs[key]),
      [null, null, null, null, null],
    );
    assert.equal(typeof created.outs.macAddress, "string", "a tap has a MAC");
    const read = await provider.read?.(created.id, created.outs);
    assert.deepEqual(read?.props, created.outs);
    await provider.delete?.(created.id, created.outs);
  });

  test("a device deleted behind our back is dropped by read, and delete still succeeds", async () => {
    const created = await create(provider, { name: "drop0", managedBy });
    ip("link", "delete", "drop0");
    assert.deepEqual(await provider.read?.(created.id, created.outs), {});
    await provider.delete?.(created.id, created.outs);
  });

  test("delete is idempotent", async () => {
    const created = await create(provider, { name: "twice0", managedBy });
    await provider.delete?.(created.id, created.outs);
    await provider.delete?.(created.id, created.outs);
    assert.equal(link("twice0"), undefined);
  });
});

describe("ownership", () => {
  test("a same-named device re-created by someone else is neither updated nor deleted, and read drops ours", async () => {
    const created = await create(provider, { name: "swap0", managedBy });
    ip("link", "delete", "swap0");
    ip("tuntap", "add", "dev", "swap0", "mode", "tap");
    const before = observe.namespaceFingerprint();
    const inputs = await checked(provider, { name: "swap0", mtu: 1400, managedBy });
    await assert.rejects(provider.update?.(created.id, created.outs, inputs) ?? Promise.resolve(), /update swap0: refusing to touch swap0: .*not the one this stack created/);
    await assert.rejects(provider.delete?.(created.id, created.outs) ?? Promise.resolve(), /delete swap0: refusing to touch swap0.*carries no pulumi-tuntap ownership stamp/);
    assert.deepEqual(await provider.read?.(created.id, created.outs), {});
    assert.equal(observe.namespaceFingerprint(), before);
  });

  test("adopt: true takes over an existing tap, stamps it and brings it to the inputs; destroy then removes it", async () => {
    ip("tuntap", "add", "dev", "old0", "mode", "tap");
    const adopted = await create(provider, { name: "old0", adopt: true, mtu: 1400, addresses: ["10.7.0.1/24"], managedBy });
    const seen = link("old0");
    assert.equal(seen?.mtu, 1400);
    assert.deepEqual(seen?.altnames, [adopted.outs.stamp]);
    assert.deepEqual(observe.cidrs("old0"), ["10.7.0.1/24"]);
    assert.equal(adopted.outs.adopt, true);
    await provider.delete?.(adopted.id, adopted.outs);
    assert.equal(link("old0"), undefined);
  });

  test("adopt refuses a device of another kind, mode or queue type, and changes nothing", async () => {
    ip("link", "add", "notap0", "type", "veth", "peer", "name", "notap1");
    ip("tuntap", "add", "dev", "atun0", "mode", "tun");
    ip("tuntap", "add", "dev", "amq0", "mode", "tap", "multi_queue");
    const before = observe.namespaceFingerprint();
    const attempt = async (news: Record<string, unknown>, expected: RegExp) =>
      assert.rejects(provider.create(await checked(provider, { adopt: true, managedBy, ...news })), expected);
    await attempt({ name: "notap0" }, /cannot adopt notap0: it is a veth device, not a TUN\/TAP device/);
    await attempt({ name: "atun0" }, /cannot adopt atun0: it is a tun device but mode is "tap"/);
    await attempt({ name: "amq0" }, /cannot adopt amq0: its multiQueue is true but the input says false/);
    assert.equal(observe.namespaceFingerprint(), before);
  });

  test("a device this resource made in a run that was never recorded is taken back, not duplicated", async () => {
    const first = await create(provider, { name: "lost0", mtu: 1500, managedBy: "tuntap-tests/dev/lost" });
    // The state of that create was lost (the provider host was killed before the engine saved it).
    const again = await create(provider, { name: "lost0", mtu: 1400, managedBy: "tuntap-tests/dev/lost" });
    assert.equal(again.outs.stamp, first.outs.stamp);
    assert.equal(again.outs.ifindex, first.outs.ifindex);
    assert.equal(link("lost0")?.mtu, 1400);
    // Another resource's identity does not get it.
    await assert.rejects(provider.create(await checked(provider, { name: "lost0", managedBy: "tuntap-tests/dev/other" })), /already exists and this stack did not create it/);
  });
});

describe("inputs that never reach the kernel", () => {
  test("create refuses invalid raw inputs (check skipped) before touching anything", async () => {
    const before = observe.namespaceFingerprint();
    await assert.rejects(provider.create({ name: "this-is-too-long-0", mtu: 67, macAddress: "ff:ff:ff:ff:ff:ff" }), (error: Error) => {
      assert.match(error.message, /create TapInterface: invalid inputs, nothing was changed/);
      assert.match(error.message, /- name: /);
      assert.match(error.message, /- mtu: /);
      assert.match(error.message, /- macAddress: /);
      return true;
    });
    assert.equal(observe.namespaceFingerprint(), before);
  });
});
