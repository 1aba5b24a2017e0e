// Vxlan's provider end to end, over veth underlays in this file's own namespace, checked with `ip -j -d link` and
// `bridge -j fdb`: made with every setting, its peers kept as the declared flood list (a remote added by hand is
// removed, one deleted by hand is added back, a change touches exactly the remotes that differ and never an entry
// of another MAC), its settings changed in place and put back after drift, and refused — changing nothing — where
// the kernel or the inputs do not allow it.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { before, describe, test } from "node:test";
import { bridgeProvider, vxlanProvider } from "pulumi-tuntap";
import { bridgeCommand, fdbEntries, floodDestinations } from "../support/bridgeFdb";
import { ip, link, mustLink } from "../support/ip";
import { checked, create, type Created, update } from "../support/providers";

const managedBy = (resource: string) => `tuntap-tests/dev/${resource}`;
const PEERS = ["192.0.2.2", "192.0.2.3"];
/** Not a peer: an entry for one MAC, as a program that knows where a MAC lives (an EVPN daemon) adds it. */
const MAC_ENTRY = ["fdb", "add", "52:54:00:aa:bb:cc", "dst", "192.0.2.50", "self", "permanent"];

/** The VXLAN part of `ip -j -d link show`. */
function infoData(name: string): Record<string, unknown> {
  return mustLink(name).linkinfo?.info_data ?? {};
}

/** Every entry of the device's own table, as iproute2 prints it: the fingerprint an update must change only where it should. */
function fdbFingerprint(device: string): string[] {
  return fdbEntries(device)
    .map((entry) => JSON.stringify([entry.mac, entry.dst, entry.port, entry.vni, entry.via, entry.state]))
    .sort();
}

before(() => {
  for (const [a, b, address] of [
    ["vu0", "vu1", "192.0.2.1/24"],
    ["vw0", "vw1", "198.51.100.1/24"],
  ] as const) {
    ip("link", "add", a, "type", "veth", "peer", "name", b);
    for (const name of [a, b]) ip("link", "set", name, "up");
    ip("addr", "add", address, "dev", a);
  }
  ip("link", "set", "vw0", "mtu", "9000");
});

describe("a device over an underlay, in a bridge, with peers", () => {
  let vx: Created;
  const inputs = { name: "vx0", vni: 4242, local: "192.0.2.1", underlay: "vu0", learning: false, ttl: 17, peers: PEERS, bridge: "lab0", managedBy: managedBy("vx0") };

  test("made with every setting; iproute2 reads what the outputs say", async () => {
    await create(bridgeProvider, { name: "lab0", managedBy: managedBy("lab0") });
    vx = await create(vxlanProvider, inputs);
    const seen = mustLink("vx0");
    const data = infoData("vx0");
    assert.deepEqual(
      { id: data.id, port: data.port, local: data.local, link: data.link, ttl: data.ttl, learning: data.learning, master: seen.master },
      { id: 4242, port: 4789, local: "192.0.2.1", link: "vu0", ttl: 17, learning: false, master: "lab0" },
    );
    assert.equal(seen.mtu, 1450, "the kernel's MTU: the underlay's less 50 bytes");
    assert.deepEqual(seen.altnames, [vx.outs.stamp]);
    assert.ok(seen.flags.includes("UP"));
    assert.deepEqual(floodDestinations("vx0"), PEERS);
    assert.deepEqual(
      { vni: vx.outs.vni, destinationPort: vx.outs.destinationPort, local: vx.outs.local, underlay: vx.outs.underlay, peers: vx.outs.peers, bridge: vx.outs.bridge, mtu: vx.outs.mtu },
      { vni: 4242, destinationPort: 4789, local: "192.0.2.1", underlay: "vu0", peers: PEERS, bridge: "lab0", mtu: 1450 },
    );
  });

  test("a peer added and one removed in place: exactly those remotes change, an entry of another MAC stays", async () => {
    bridgeCommand([...MAC_ENTRY, "dev", "vx0"]);
    const before = fdbFingerprint("vx0");
    const outs = await update(vxlanProvider, vx, { ...inputs, peers: ["192.0.2.3", "192.0.2.4"] });
    vx = { id: vx.id, outs };
    assert.equal(mustLink("vx0").ifindex, vx.outs.ifindex, "the same device");
    const after = fdbFingerprint("vx0");
    const zero = (dst: string) => JSON.stringify(["00:00:00:00:00:00", dst, undefined, undefined, undefined, "permanent"]);
    assert.deepEqual(before.filter((entry) => !after.includes(entry)), [zero("192.0.2.2")], "only 192.0.2.2's remote went");
    assert.deepEqual(after.filter((entry) => !before.includes(entry)), [zero("192.0.2.4")], "only 192.0.2.4's remote came");
    assert.ok(after.some((entry) => entry.includes("52:54:00:aa:bb:cc")), "the MAC entry is untouched");
    assert.deepEqual(outs.peers, ["192.0.2.3", "192.0.2.4"]);
  });

  test("drift: a remote added by hand shows in a read and goes at the next update; one deleted by hand comes back", async () => {
    bridgeCommand(["fdb", "append", "00:00:00:00:00:00", "dst", "203.0.113.9", "dev", "vx0"]);
    bridgeCommand(["fdb", "del", "00:00:00:00:00:00", "dst", "192.0.2.3", "dev", "vx0"]);
    const read = await vxlanProvider.read?.(vx.id, vx.outs);
    assert.deepEqual(read?.props.peers, ["192.0.2.4", "203.0.113.9"], "refresh shows the kernel's flood list");
    const drifted = { id: vx.id, outs: read?.props ?? {} };
    const diff = await vxlanProvider.diff?.(vx.id, drifted.outs, await checked(vxlanProvider, { ...inputs, peers: ["192.0.2.3", "192.0.2.4"] }));
    assert.deepEqual({ changes: diff?.changes, replaces: diff?.replaces }, { changes: true, replaces: [] }, "preview shows an update");
    const outs = await update(vxlanProvider, drifted, { ...inputs, peers: ["192.0.2.3", "192.0.2.4"] });
    vx = { id: vx.id, outs };
    assert.deepEqual(floodDestinations("vx0"), ["192.0.2.3", "192.0.2.4"]);
    assert.ok(fdbEntries("vx0").some((entry) => entry.mac === "52:54:00:aa:bb:cc"), "the MAC entry is still untouched");
  });

  test("a remote with its own port, added by hand, is another remote: removed alone", async () => {
    bridgeCommand(["fdb", "append", "00:00:00:00:00:00", "dst", "192.0.2.3", "port", "4790", "dev", "vx0"]);
    const read = await vxlanProvider.read?.(vx.id, vx.outs);
    assert.deepEqual(read?.props.peers, ["192.0.2.3", "192.0.2.3 port 4790", "192.0.2.4"]);
    const outs = await update(vxlanProvider, { id: vx.id, outs: read?.props ?? {} }, { ...inputs, peers: ["192.0.2.3", "192.0.2.4"] });
    vx = { id: vx.id, outs };
    assert.deepEqual(
      fdbEntries("vx0")
        .filter((entry) => entry.mac === "00:00:00:00:00:00")
        .map((entry) => [entry.dst, entry.port ?? "device's"])
        .sort(),
      [
        ["192.0.2.3", "device's"],
        ["192.0.2.4", "device's"],
      ],
    );
  });

  test("settings changed by hand (TTL, learning) read back, and put back in place", async () => {
    ip("link", "set", "vx0", "type", "vxlan", "ttl", "5", "learning");
    const read = await vxlanProvider.read?.(vx.id, vx.outs);
    assert.deepEqual([read?.props.ttl, read?.props.learning], [5, true]);
    const outs = await update(vxlanProvider, { id: vx.id, outs: read?.props ?? {} }, { ...inputs, peers: ["192.0.2.3", "192.0.2.4"] });
    vx = { id: vx.id, outs };
    assert.deepEqual([infoData("vx0").ttl, infoData("vx0").learning], [17, false]);
  });

  test("local address, TTL, learning and another underlay, in place: the same device", async () => {
    const outs = await update(vxlanProvider, vx, { ...inputs, local: "192.0.2.11", ttl: 0, learning: true, underlay: "vw0", peers: ["192.0.2.3", "192.0.2.4"] });
    vx = { id: vx.id, outs };
    const data = infoData("vx0");
    assert.deepEqual([data.local, data.ttl, data.learning, data.link], ["192.0.2.11", 0, true, "vw0"]);
    assert.equal(mustLink("vx0").ifindex, vx.outs.ifindex);
    assert.equal(outs.underlay, "vw0");
  });

  test("an MTU the underlay cannot carry is refused, naming the encapsulation, and nothing changes", async () => {
    const back = await update(vxlanProvider, vx, { ...inputs, underlay: "vu0", peers: ["192.0.2.3", "192.0.2.4"] });
    vx = { id: vx.id, outs: back };
    const before = { fdb: fdbFingerprint("vx0"), mtu: mustLink("vx0").mtu };
    const news = await checked(vxlanProvider, { ...inputs, mtu: 1460, peers: ["192.0.2.9"] });
    await assert.rejects(vxlanProvider.update?.(vx.id, vx.outs, news) ?? Promise.reject(), (error: Error) => {
      assert.equal(error.name, "VxlanMtuError");
      assert.match(error.message, /set mtu 1460: EINVAL.*50 bytes over IPv4/);
      return true;
    });
    assert.deepEqual({ fdb: fdbFingerprint("vx0"), mtu: mustLink("vx0").mtu }, before);
  });

  test("deleting the underlay deletes the device: a read then finds nothing (refresh forgets it)", async () => {
    const spare = await create(vxlanProvider, { name: "vx9", vni: 9, underlay: "vw0", local: "198.51.100.1", managedBy: managedBy("vx9") });
    ip("link", "del", "vw0");
    assert.equal(link("vx9"), undefined);
    assert.deepEqual(await vxlanProvider.read?.(spare.id, spare.outs), {});
    await vxlanProvider.delete?.(spare.id, spare.outs);
  });

  test("delete takes the device and its flood list", async () => {
    await vxlanProvider.delete?.(vx.id, vx.outs);
    assert.equal(link("vx0"), undefined);
  });
});

describe("the MTU a new device gets", () => {
  test("without an underlay: 1450 over IPv4, 1430 over IPv6, so encapsulated frames fit a 1500-byte underlay", async () => {
    const v4 = await create(vxlanProvider, { name: "vxn4", vni: 14, managedBy: managedBy("vxn4") });
    const v6 = await create(vxlanProvider, { name: "vxn6", vni: 16, local: "fd00::1", managedBy: managedBy("vxn6") });
    assert.deepEqual([mustLink("vxn4").mtu, mustLink("vxn6").mtu], [1450, 1430]);
    await vxlanProvider.delete?.(v4.id, v4.outs);
    await vxlanProvider.delete?.(v6.id, v6.outs);
  });
});

describe("a multicast group", () => {
  test("the group's own flood entry is not a peer", async () => {
    const vx = await create(vxlanProvider, { name: "vxg", vni: 20, underlay: "vu0", group: "239.1.1.1", managedBy: managedBy("vxg") });
    assert.deepEqual(floodDestinations("vxg"), ["239.1.1.1"]);
    assert.deepEqual([vx.outs.group, vx.outs.peers], ["239.1.1.1", []]);
    await vxlanProvider.delete?.(vx.id, vx.outs);
  });
});

describe("refusals, each leaving nothing behind", () => {
  test("a missing underlay device names the input", async () => {
    const inputs = await checked(vxlanProvider, { name: "vxm", vni: 30, underlay: "nosuch0", managedBy: managedBy("vxm") });
    await assert.rejects(vxlanProvider.create(inputs), /underlay: no device named nosuch0 exists: a VXLAN device is made over an existing device/);
    assert.equal(link("vxm"), undefined);
  });

  test("a VNI another device of the namespace uses on the port", async () => {
    ip("link", "add", "handvx", "type", "vxlan", "id", "31", "dstport", "4789");
    const inputs = await checked(vxlanProvider, { name: "vxv", vni: 31, managedBy: managedBy("vxv") });
    await assert.rejects(vxlanProvider.create(inputs), (error: Error) => {
      assert.equal(error.name, "VniInUseError");
      assert.match(error.message, /already uses this VNI on this destination port/);
      return true;
    });
    assert.equal(link("vxv"), undefined);
    ip("link", "del", "handvx");
  });

  test("a destination port another socket holds fails when the device comes up; the half-made device is removed", async () => {
    const socket = createSocket("udp4");
    socket.bind(4795);
    await once(socket, "listening");
    try {
      const inputs = await checked(vxlanProvider, { name: "vxp", vni: 32, destinationPort: 4795, managedBy: managedBy("vxp") });
      await assert.rejects(vxlanProvider.create(inputs), (error: Error) => {
        assert.equal(error.name, "VxlanPortInUseError");
        assert.match(error.message, /EADDRINUSE.*ss -ulpn.*vxp was removed again/);
        return true;
      });
    } finally {
      socket.close();
    }
    assert.equal(link("vxp"), undefined);
  });
});

describe("adopt", () => {
  test("a VXLAN device made by hand of the same VNI is taken over; another VNI is refused", async () => {
    ip("link", "add", "oldvx", "type", "vxlan", "id", "40", "dstport", "4789", "local", "192.0.2.1");
    await assert.rejects(
      vxlanProvider.create(await checked(vxlanProvider, { name: "oldvx", vni: 41, local: "192.0.2.1", adopt: true, managedBy: managedBy("oldvx") })),
      /cannot adopt oldvx: its VNI is 40 but the input says 41/,
    );
    const adopted = await create(vxlanProvider, { name: "oldvx", vni: 40, local: "192.0.2.1", peers: ["192.0.2.2"], adopt: true, managedBy: managedBy("oldvx") });
    assert.deepEqual(mustLink("oldvx").altnames, [adopted.outs.stamp]);
    assert.deepEqual(floodDestinations("oldvx"), ["192.0.2.2"]);
    await vxlanProvider.delete?.(adopted.id, adopted.outs);
    assert.equal(link("oldvx"), undefined);
  });
});
