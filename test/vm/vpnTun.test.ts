// examples/vpn-tun's tunnel, for real, through the real Pulumi CLI: two network namespaces joined only by a
// veth (the underlay, made here with `ip`), and two stacks of the example, one per end (config netns, and the
// second end's addresses and the network behind the first), each made by `pulumi up` with its routes to the
// network behind the peer (an address on the peer's lo stands for it); in each namespace the example's tunnel
// program, run as the tun's unprivileged owner, attaches to the tun the stack outputs by name. A ping crosses
// from one tun to the other, and to the network behind the peer by the stack's route, IPv4 and IPv6, so its
// packets can only have travelled as UDP datagrams over the veth, carried by the two programs. `pulumi destroy`
// of both stacks then leaves each namespace with its veth end alone.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import type { CliStack } from "../cli/support/cliStack";
import { cidrs, ip, link, linkNames } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { GuestConsole } from "./support/console";
import { cliRun, discard, openExample } from "./support/exampleStack";
import { hostPing } from "./support/ping";
import { liveProcessesMentioning } from "./support/processes";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";

const TUNNEL_PROGRAM = resolve(__dirname, "..", "..", "examples", "vpn-tun", "tunnel.js");
const user = unprivilegedUser();

interface Side {
  stackName: string;
  netns: string;
  wire: string;
  underlay: string;
  /** The stack config a user sets for this end. */
  config: Record<string, string>;
  tunAddresses: string[];
  /** The network behind this end: its lo holds the first address of each. */
  localNetworks: [string, string];
}

const sides: [Side, Side] = [
  {
    stackName: "a",
    netns: "vpn-a",
    wire: "wire-a",
    underlay: "192.0.2.1",
    config: { netns: "vpn-a", remoteNetworks: "10.9.0.0/24,fd00:9::/64" },
    tunAddresses: ["10.8.0.1/24", "fd00:8::1/64"],
    localNetworks: ["10.7.0.1/32", "fd00:7::1/128"],
  },
  {
    stackName: "b",
    netns: "vpn-b",
    wire: "wire-b",
    underlay: "192.0.2.2",
    config: { netns: "vpn-b", ipv4Address: "10.8.0.2/24", ipv6Address: "fd00:8::2/64", remoteNetworks: "10.7.0.0/24,fd00:7::/64" },
    tunAddresses: ["10.8.0.2/24", "fd00:8::2/64"],
    localNetworks: ["10.9.0.1/32", "fd00:9::1/128"],
  },
];

interface Tunnel {
  process: ChildProcess;
  output: GuestConsole;
  exited: Promise<number | null>;
}

/** The example's program in the side's namespace, as the tun's owner, with no capability. */
function startTunnel(side: Side, peer: Side, tun: string): Tunnel {
  const output = new GuestConsole(`tunnel in ${side.netns}`);
  const child = spawn(
    "ip",
    ["netns", "exec", side.netns, "setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", process.execPath, TUNNEL_PROGRAM, "--tun", tun, "--local", `${side.underlay}:1194`, "--peer", `${peer.underlay}:1194`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => output.push(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => output.push(chunk));
  const exited = new Promise<number | null>((resolveExit) => {
    child.on("exit", (code) => {
      output.end(`the tunnel program exited (${code})`);
      resolveExit(code);
    });
  });
  return { process: child, output, exited };
}

async function stopTunnels(): Promise<void> {
  for (const tunnel of tunnels) if (tunnel.process.exitCode === null && tunnel.process.signalCode === null) tunnel.process.kill("SIGTERM");
  await Promise.all(tunnels.map((tunnel) => tunnel.exited));
}

const tunnels: Tunnel[] = [];
const stacks: CliStack[] = [];
/** Each end's tun, by the stack output `name`. */
const tunNames: string[] = [];

before(() => {
  openTunNodeToEveryone();
  for (const side of sides) {
    ip("netns", "add", side.netns);
    ip("-n", side.netns, "link", "set", "lo", "up");
    for (const address of side.localNetworks) ip("-n", side.netns, "address", "add", address, "dev", "lo", ...(address.includes(":") ? ["nodad"] : []));
  }
  // The underlay: a veth pair, one end in each namespace; nothing else joins them.
  ip("link", "add", sides[0].wire, "netns", sides[0].netns, "type", "veth", "peer", "name", sides[1].wire, "netns", sides[1].netns);
  for (const side of sides) {
    ip("-n", side.netns, "address", "add", `${side.underlay}/24`, "dev", side.wire);
    ip("-n", side.netns, "link", "set", side.wire, "up");
  }
});

after(async () => {
  await stopTunnels();
  for (const stack of stacks) await discard(stack);
  for (const side of sides) ip("netns", "delete", side.netns);
});

test("vpn-tun: pulumi up of one stack per end makes each tun in its namespace, owned by nobody", async (t) => {
  for (const side of sides) {
    const stack = await openExample("vpn-tun", side.config, side.stackName);
    stacks.push(stack);
    const up = await cliRun(t, stack, "up");
    assert.deepEqual(up.changes, { create: 4 }, "the stack, its tun and its two routes");
    assert.deepEqual([up.outputs.name, up.outputs.owner, up.outputs.mtu], ["tun0", user.uid, 1500]);
    tunNames.push(String(up.outputs.name));
    assert.deepEqual([...(up.outputs.addressesOnDevice as string[])].sort(), side.tunAddresses);
    assert.match(String(up.outputs.openvpnOptions), /^dev tun0\ndev-type tun\ntun-mtu 1500\npersist-tun\nifconfig-noexec\nroute-noexec$/);
    const tun = link("tun0", side.netns);
    assert.deepEqual([tun?.linkinfo?.info_data?.type, tun?.linkinfo?.info_data?.user, tun?.linkinfo?.info_data?.pi], ["tun", user.name, false], `tun0 in ${side.netns}`);
    assert.deepEqual(cidrs("tun0", side.netns), side.tunAddresses);
    const [v4, v6] = String(side.config.remoteNetworks).split(",");
    assert.deepEqual(routeLines("238", side.netns), [`${v4} dev tun0 table main metric 0 scope link`, `${v6} dev tun0 table main metric 1024 scope global`], `routes in ${side.netns}`);
  }
  assert.equal(link("tun0"), undefined, "nothing in the test's own namespace");
});

test("vpn-tun: a ping crosses the tunnel between the namespaces, over UDP, carried by unprivileged programs", async (t) => {
  const [a, b] = sides;
  assert.equal(tunNames.length, 2, "the stacks of the first test");
  assert.equal(hostPing("10.8.0.2", { netns: a.netns, count: 1 }).received, 0, "no tunnel yet: 10.8.0.2 is unreachable from vpn-a");
  tunnels.push(startTunnel(a, b, tunNames[0]!), startTunnel(b, a, tunNames[1]!));
  for (const tunnel of tunnels) {
    const up = await tunnel.output.waitFor(/^tunnel up: /);
    assert.match(up.text, new RegExp(`\\(uid ${user.uid}\\)$`), "runs as the tun's owner");
    t.diagnostic(`${tunnel.output.name}: ${up.text}`);
  }
  const v4 = hostPing("10.8.0.2", { netns: a.netns });
  assert.equal(v4.received, 3, `IPv4 across the tunnel: ${v4.output}`);
  const v6 = hostPing("fd00:8::2", { netns: a.netns });
  assert.equal(v6.received, 3, `IPv6 across the tunnel: ${v6.output}`);
  // The network behind b, by the stack's route out of the tun.
  const behind4 = hostPing("10.9.0.1", { netns: a.netns });
  assert.equal(behind4.received, 3, `IPv4 to the network behind the peer: ${behind4.output}`);
  const behind6 = hostPing("fd00:9::1", { netns: a.netns });
  assert.equal(behind6.received, 3, `IPv6 to the network behind the peer: ${behind6.output}`);
  for (const ping of [v4, v6, behind4, behind6]) for (const line of ping.output.trim().split("\n")) t.diagnostic(`vpn-a$ ${line}`);

  await stopTunnels();
  for (const tunnel of tunnels) {
    const down = await tunnel.output.waitFor(/^tunnel down: /);
    const [, toPeer, fromPeer] = /(\d+) packets to the peer, (\d+) from it/.exec(down.text) ?? [];
    assert.ok(Number(toPeer) >= 12 && Number(fromPeer) >= 12, `each side carried the four pings' echoes: ${down.text}`);
    t.diagnostic(`${tunnel.output.name}: ${down.text}`);
  }
});

test("vpn-tun: with the tunnels stopped, pulumi destroy of both stacks leaves each namespace with its veth end alone", async (t) => {
  assert.deepEqual(liveProcessesMentioning(TUNNEL_PROGRAM), [], "no tunnel program is left");
  for (const stack of stacks) {
    const destroy = await cliRun(t, stack, "destroy");
    assert.deepEqual(destroy.changes, { delete: 4 });
  }
  for (const side of sides) {
    assert.deepEqual(linkNames(side.netns), [side.wire, "lo"].sort(), `ip -j shows only lo and the veth end in ${side.netns}`);
    assert.deepEqual(cidrs(side.wire, side.netns), [`${side.underlay}/24`], "the underlay is untouched");
    assert.deepEqual(routeLines("238", side.netns), [], "no route of the stack is left");
  }
});
