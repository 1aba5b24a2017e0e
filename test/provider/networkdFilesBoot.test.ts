// The proof that the files bring the devices back: real devices are made, their outputs written as networkd
// files, the devices deleted (the "reboot"), and the host's own systemd-networkd started in this file's
// private network and mount namespaces (as in a container: ../support/networkd.ts) reads the files and recreates
// them. `ip -j` then checks that what networkd made matches what the providers had made.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { bridgeProvider, networkdFilesProvider, routeProvider, tapInterfaceProvider, vethPairProvider, vxlanProvider } from "pulumi-tuntap";
import { floodDestinations } from "../support/bridgeFdb";
import { cidrs, link } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { create } from "../support/providers";
import { asProgramSees, fromBridge, NETWORKD, prepareNetworkdSandbox, RUNTIME_DIRECTORY, run } from "../support/networkd";
import { waitFor } from "../support/wait";

const managedBy = (resource: string) => `tuntap-tests/boot/${resource}`;

type Properties = Record<string, unknown>;

/** The same mapping the NetworkdFiles class makes from a device's outputs. */
function fromTap(outs: Properties): Properties {
  const { name, mode, owner, group, multiQueue, packetInfo, vnetHdr, mtu, macAddress, addresses, bridge, promiscuous, up, description } = asProgramSees(outs);
  return { kind: mode, name, owner, group, multiQueue, packetInfo, vnetHdr, mtu, macAddress, addresses, bridge, promiscuous, up, description };
}

function fromVeth(outs: Properties, vxlans: Properties[] = []): Properties {
  const { name, mtu, macAddress, addresses, up, description, peer } = asProgramSees(outs);
  const peerOuts = asProgramSees(peer as Properties);
  return { kind: "veth", name, mtu, macAddress, addresses, up, description, peerName: peerOuts.name, peerMacAddress: peerOuts.macAddress, vxlans: vxlans.map(carried) };
}

function fromVxlan(outs: Properties): Properties {
  const { name, mtu, macAddress, addresses, up, description, bridge, vni, destinationPort, local, group, underlay, learning, ttl, peers } = asProgramSees(outs);
  return { kind: "vxlan", name, mtu, macAddress, addresses, up, description, bridge, vni, destinationPort, local, multicastGroup: group, underlay, learning, ttl, peers };
}

/** A Vxlan's outputs as one entry of its underlay's `vxlans`. */
function carried(outs: Properties): Properties {
  return { name: outs.name, underlay: outs.underlay };
}

/** The same mapping the NetworkdFiles class makes from a Route's outputs. */
function fromRoute(outs: Properties): Properties {
  const { destination, gateway, device, metric, table, scope, source, family } = asProgramSees(outs);
  return { destination, gateway, device, metric, table, source, ...(family === 4 ? { scope } : {}) };
}

let networkd: ChildProcess | undefined;
let log = "";
let sandboxProblem: string | undefined;

before(() => {
  sandboxProblem = prepareNetworkdSandbox();
});

after(() => {
  networkd?.kill();
});
// Also on a crash: a networkd left running would keep this namespace alive.
process.on("exit", () => networkd?.kill());

/** The device's addresses, or none while it does not exist yet. */
function cidrsIfPresent(name: string): string[] {
  return link(name) === undefined ? [] : cidrs(name);
}

/** A reload makes a running networkd read new files (a boot does the same from scratch); without D-Bus, a restart. */
function reloadNetworkd(): void {
  if (run("/usr/bin/networkctl", "reload") === undefined) return;
  networkd?.kill();
  networkd = spawn(NETWORKD, [], { stdio: "ignore" });
}

/** Waits for what systemd-networkd does on its own time; fails with what it logged. */
function networkdDid(condition: () => boolean, what: string): Promise<void> {
  return waitFor(condition, what, () => `systemd-networkd said:\n${log}`);
}

test("a tap (owner, multi-queue, bridge port, promiscuous, IPv4+IPv6) and its bridge come back from the files", async () => {
  if (sandboxProblem !== undefined) {
    assert.fail(`cannot run systemd-networkd here: ${sandboxProblem}`);
  }
  const bridge = await create(bridgeProvider, {
    name: "labbr0",
    addresses: ["192.168.100.1/24"],
    mtu: 1400,
    macAddress: "02:00:00:00:00:01",
    stp: true,
    managedBy: managedBy("bridge"),
  });
  const tap = await create(tapInterfaceProvider, {
    name: "labtap0",
    owner: "nobody",
    multiQueue: true,
    vnetHdr: true,
    mtu: 1400,
    macAddress: "52:54:00:ab:cd:ef",
    addresses: ["192.168.0.1/24", "fd00::1/64"],
    promiscuous: true,
    bridge: "labbr0",
    managedBy: managedBy("tap"),
  });
  const files = [
    await create(networkdFilesProvider, { ...fromBridge(bridge.outs), directory: RUNTIME_DIRECTORY, managedBy: managedBy("bridge-files") }),
    await create(networkdFilesProvider, { ...fromTap(tap.outs), directory: RUNTIME_DIRECTORY, managedBy: managedBy("tap-files") }),
  ];

  // The "reboot": the devices are gone, only the files remain.
  await tapInterfaceProvider.delete?.(tap.id, tap.outs);
  await bridgeProvider.delete?.(bridge.id, bridge.outs);
  assert.equal(link("labtap0"), undefined);

  networkd = spawn(NETWORKD, [], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SYSTEMD_LOG_LEVEL: "info" } });
  networkd.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  networkd.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  await networkdDid(() => cidrsIfPresent("labtap0").length === 2 && cidrsIfPresent("labbr0").length === 1 && link("labtap0")?.master === "labbr0", "configuring labtap0 and labbr0");

  const tapSeen = link("labtap0");
  assert.ok(tapSeen);
  const info = tapSeen.linkinfo?.info_data ?? {};
  assert.deepEqual(
    { type: info.type, user: info.user, multiQueue: info.multi_queue, vnetHdr: info.vnet_hdr, pi: info.pi, persist: info.persist },
    { type: "tap", user: "nobody", multiQueue: true, vnetHdr: true, pi: false, persist: true },
  );
  assert.equal(tapSeen.mtu, 1400);
  assert.equal(tapSeen.address, "52:54:00:ab:cd:ef");
  assert.ok(tapSeen.flags.includes("PROMISC") && tapSeen.flags.includes("UP"), tapSeen.flags.join(","));
  assert.deepEqual(cidrs("labtap0"), ["192.168.0.1/24", "fd00::1/64"]);

  const bridgeSeen = link("labbr0");
  assert.ok(bridgeSeen);
  assert.equal(bridgeSeen.mtu, 1400);
  assert.equal(bridgeSeen.address, "02:00:00:00:00:01");
  assert.equal(bridgeSeen.linkinfo?.info_data?.stp_state, 1);
  assert.deepEqual(cidrs("labbr0"), ["192.168.100.1/24"]);

  for (const file of files) await networkdFilesProvider.delete?.(file.id, file.outs);
});

test("a tun for a VPN daemon: owner, MTU, IPv4 and IPv6, and its routes, which come back as the Route resources' own", async () => {
  if (sandboxProblem !== undefined || networkd === undefined) {
    assert.fail(`cannot run systemd-networkd here: ${sandboxProblem ?? "the first test did not start it"}`);
  }
  const tun = await create(tapInterfaceProvider, {
    name: "vpn0",
    mode: "tun",
    owner: "nobody",
    mtu: 1420,
    addresses: ["10.8.0.1/24", "fd00:8::1/64"],
    managedBy: managedBy("tun"),
  });
  const routes = [
    await create(routeProvider, { destination: "10.9.0.0/24", device: "vpn0" }),
    await create(routeProvider, { destination: "fd00:9::/64", gateway: "fd00:8::2", device: "vpn0", table: 100, metric: 50 }),
  ];
  const files = await create(networkdFilesProvider, {
    ...fromTap(tun.outs),
    routes: routes.map((route) => fromRoute(route.outs)),
    directory: RUNTIME_DIRECTORY,
    managedBy: managedBy("tun-files"),
  });
  await tapInterfaceProvider.delete?.(tun.id, tun.outs);
  assert.deepEqual(routeLines(), [], "the routes went with the tun");
  reloadNetworkd();
  await networkdDid(() => cidrsIfPresent("vpn0").length === 2, "configuring vpn0");
  const seen = link("vpn0");
  assert.ok(seen);
  assert.deepEqual({ type: seen.linkinfo?.info_data?.type, user: seen.linkinfo?.info_data?.user }, { type: "tun", user: "nobody" });
  assert.equal(seen.mtu, 1420);
  assert.deepEqual(cidrs("vpn0"), ["10.8.0.1/24", "fd00:8::1/64"]);
  const expectedRoutes = ["10.9.0.0/24 dev vpn0 table main metric 0 scope link", "fd00:9::/64 via fd00:8::2 dev vpn0 table 100 metric 50 scope global"];
  await networkdDid(() => routeLines().length === 2, "adding vpn0's routes");
  assert.deepEqual(routeLines(), expectedRoutes, "networkd added them with protocol 238");
  for (const route of routes) assert.deepEqual((await routeProvider.read?.(route.id, route.outs))?.props, route.outs, `the stack finds ${route.id} as its own`);
  await networkdFilesProvider.delete?.(files.id, files.outs);
  for (const route of routes) await routeProvider.delete?.(route.id, route.outs);
});

test("VXLAN devices: one over a veth underlay (VXLAN= in the veth's .network), one on its own; settings, bridge port and peers come back", async () => {
  if (sandboxProblem !== undefined || networkd === undefined) {
    assert.fail(`cannot run systemd-networkd here: ${sandboxProblem ?? "the first test did not start it"}`);
  }
  const bridge = await create(bridgeProvider, { name: "bootbr1", addresses: ["10.77.0.1/24"], managedBy: managedBy("overlay-bridge") });
  const underlay = await create(vethPairProvider, { name: "bootu0", addresses: ["192.0.2.1/24"], peer: { name: "bootu0p" }, managedBy: managedBy("underlay") });
  const over = await create(vxlanProvider, {
    name: "bootvx0",
    vni: 77,
    local: "192.0.2.1",
    underlay: "bootu0",
    learning: false,
    ttl: 9,
    peers: ["192.0.2.2", "192.0.2.3"],
    bridge: "bootbr1",
    managedBy: managedBy("overlay"),
  });
  const alone = await create(vxlanProvider, { name: "bootvx1", vni: 78, local: "192.0.2.1", destinationPort: 4790, peers: ["198.51.100.7"], managedBy: managedBy("alone") });
  const files = [
    await create(networkdFilesProvider, { ...fromBridge(bridge.outs), directory: RUNTIME_DIRECTORY, managedBy: managedBy("overlay-bridge-files") }),
    await create(networkdFilesProvider, { ...fromVeth(underlay.outs, [over.outs]), directory: RUNTIME_DIRECTORY, managedBy: managedBy("underlay-files") }),
    await create(networkdFilesProvider, { ...fromVxlan(over.outs), directory: RUNTIME_DIRECTORY, managedBy: managedBy("overlay-files") }),
    await create(networkdFilesProvider, { ...fromVxlan(alone.outs), directory: RUNTIME_DIRECTORY, managedBy: managedBy("alone-files") }),
  ];
  const before = { over: link("bootvx0"), alone: link("bootvx1") };
  for (const [provider, made] of [
    [vxlanProvider, alone],
    [vxlanProvider, over],
    [vethPairProvider, underlay],
    [bridgeProvider, bridge],
  ] as const) {
    await provider.delete?.(made.id, made.outs);
  }
  assert.equal(link("bootvx0"), undefined);

  reloadNetworkd();
  await networkdDid(
    () => link("bootvx0")?.master === "bootbr1" && floodDestinations("bootvx0").length === 2 && floodDestinations("bootvx1").length === 1,
    "making bootvx0 over bootu0 in bootbr1, and bootvx1, with their peers",
  );
  const settings = (name: string) => {
    const data = link(name)?.linkinfo?.info_data ?? {};
    const { id, local, link: underlayName, port, learning, ttl, udp_csum: udpChecksum } = data;
    return { id, local, underlay: underlayName, port, learning, ttl, udpChecksum, mtu: link(name)?.mtu };
  };
  const expected = (name: string, seen: typeof before.over) => {
    const data = seen?.linkinfo?.info_data ?? {};
    return { id: data.id, local: data.local, underlay: data.link, port: data.port, learning: data.learning, ttl: data.ttl, udpChecksum: data.udp_csum, mtu: seen?.mtu, name };
  };
  assert.deepEqual({ ...settings("bootvx0"), name: "bootvx0" }, expected("bootvx0", before.over), "networkd made bootvx0 as the provider had");
  assert.deepEqual({ ...settings("bootvx1"), name: "bootvx1" }, expected("bootvx1", before.alone), "networkd made bootvx1 as the provider had");
  assert.deepEqual(settings("bootvx0"), { id: 77, local: "192.0.2.1", underlay: "bootu0", port: 4789, learning: false, ttl: 9, udpChecksum: true, mtu: 1450 });
  assert.deepEqual(settings("bootvx1"), { id: 78, local: "192.0.2.1", underlay: undefined, port: 4790, learning: true, ttl: 0, udpChecksum: true, mtu: 1450 });
  assert.deepEqual(floodDestinations("bootvx0"), ["192.0.2.2", "192.0.2.3"]);
  assert.deepEqual(floodDestinations("bootvx1"), ["198.51.100.7"]);
  for (const file of files) await networkdFilesProvider.delete?.(file.id, file.outs);
});
