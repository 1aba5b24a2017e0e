// The proof that the files bring the devices back: real devices are made, their outputs written as networkd
// files, the devices deleted (the "reboot"), and the host's own systemd-networkd started in this file's
// private network and mount namespaces reads the files and recreates them. `ip -j` then checks that what
// networkd made matches what the providers had made.
//
// networkd runs as in a container: /run/systemd a private tmpfs (our files go to /run/systemd/network, which
// networkd reads), /etc/systemd/network and the vendor directories hidden behind empty tmpfs mounts, /sys
// mounted read-only for this namespace (networkd then does not wait for udev), and a 0666 /dev/net/tun node
// (the mode udev gives it on ordinary hosts; networkd drops root and opens it as systemd-network).
import "../support/privateNetns";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { bridgeProvider, networkdFilesProvider, routeProvider, tapInterfaceProvider } from "pulumi-tuntap";
import { insidePrivateNamespace } from "../support/privateNetns";
import { cidrs, link } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { create } from "../support/providers";
import { waitFor } from "../support/wait";

const NETWORKD = "/usr/lib/systemd/systemd-networkd";
const RUNTIME_DIRECTORY = "/run/systemd/network";
const managedBy = (resource: string) => `tuntap-tests/boot/${resource}`;

type Properties = Record<string, unknown>;

/** Outputs as a program sees them: an unset one, recorded as null, is undefined. */
function asProgramSees(outs: Properties): Properties {
  return Object.fromEntries(Object.entries(outs).map(([key, value]) => [key, value ?? undefined]));
}

/** The same mapping the NetworkdFiles class makes from a device's outputs. */
function fromTap(outs: Properties): Properties {
  const { name, mode, owner, group, multiQueue, packetInfo, vnetHdr, mtu, macAddress, addresses, bridge, promiscuous, up, description } = asProgramSees(outs);
  return { kind: mode, name, owner, group, multiQueue, packetInfo, vnetHdr, mtu, macAddress, addresses, bridge, promiscuous, up, description };
}

function fromBridge(outs: Properties): Properties {
  const { name, mtu, macAddress, addresses, stp, up, description } = asProgramSees(outs);
  return { kind: "bridge", name, mtu, macAddress: macAddress === "" ? undefined : macAddress, addresses, stp, up, description };
}

/** The same mapping the NetworkdFiles class makes from a Route's outputs. */
function fromRoute(outs: Properties): Properties {
  const { destination, gateway, device, metric, table, scope, source, family } = asProgramSees(outs);
  return { destination, gateway, device, metric, table, source, ...(family === 4 ? { scope } : {}) };
}

function run(command: string, ...args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return result.status === 0 ? undefined : `${command} ${args.join(" ")}: ${(result.stderr || result.error?.message || "").trim()}`;
}

/** Prepares this mount namespace for networkd; returns why it cannot, or undefined. */
function prepareNetworkdSandbox(): string | undefined {
  if (!insidePrivateNamespace) return "not inside the private namespace";
  if (!existsSync(NETWORKD)) return `${NETWORKD} is not installed`;
  const steps: string[][] = [["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run/systemd"]];
  for (const directory of ["/etc/systemd/network", "/usr/lib/systemd/network", "/lib/systemd/network", "/usr/local/lib/systemd/network"]) {
    if (existsSync(directory)) steps.push(["mount", "-t", "tmpfs", "tmpfs", directory]);
  }
  steps.push(["mount", "-t", "sysfs", "-o", "ro", "sysfs", "/sys"]);
  for (const step of steps) {
    const problem = run(step[0] ?? "", ...step.slice(1));
    if (problem !== undefined) return problem;
  }
  mkdirSync(RUNTIME_DIRECTORY, { recursive: true });
  mkdirSync("/run/systemd/netif", { recursive: true });
  run("chown", "systemd-network:systemd-network", "/run/systemd/netif");
  mkdirSync("/run/systemd/tun-node", { recursive: true });
  return (
    run("mknod", "-m", "0666", "/run/systemd/tun-node/tun", "c", "10", "200") ?? run("mount", "--bind", "/run/systemd/tun-node/tun", "/dev/net/tun")
  );
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

/** Waits for what systemd-networkd does on its own time; fails with what it logged. */
function networkdDid(condition: () => boolean, what: string): Promise<void> {
  return waitFor(condition, what, () => `systemd-networkd said:\n${log}`);
}

test("a tap (owner, multi-queue, bridge port, promiscuous, IPv4+IPv6) and its bridge come back from the files", async (t) => {
  if (sandboxProblem !== undefined) {
    t.skip(`cannot run systemd-networkd here: ${sandboxProblem}`);
    return;
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

test("a tun for a VPN daemon: owner, MTU, IPv4 and IPv6, and its routes, which come back as the Route resources' own", async (t) => {
  if (sandboxProblem !== undefined || networkd === undefined) {
    t.skip(`cannot run systemd-networkd here: ${sandboxProblem ?? "the first test did not start it"}`);
    return;
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
  // networkd is running: a reload is what makes it read new files (a boot does the same from scratch).
  const reload = run("/usr/bin/networkctl", "reload");
  if (reload !== undefined) {
    // Without D-Bus there is no networkctl: restart networkd instead.
    networkd.kill();
    networkd = spawn(NETWORKD, [], { stdio: "ignore" });
  }
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
