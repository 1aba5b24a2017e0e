// vpn-tun's tunnel, for real: two network namespaces joined only by a veth (the underlay), a tun in each made by
// the provider with the inputs examples/vpn-tun makes (config netns, addresses), and the example's tunnel
// program in each, run as the tun's unprivileged owner. A ping crosses from one tun to the other, so its
// packets can only have travelled as UDP datagrams over the veth, carried by the two programs.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import { tapInterfaceProvider } from "pulumi-tuntap";
import { ip } from "../support/ip";
import { create } from "../support/providers";
import { GuestConsole } from "./support/console";
import { hostPing } from "./support/ping";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";

const TUNNEL_PROGRAM = resolve(__dirname, "..", "..", "examples", "vpn-tun", "tunnel.js");
const user = unprivilegedUser();

interface Side {
  netns: string;
  underlay: string;
  tunAddresses: string[];
}

const sides: [Side, Side] = [
  { netns: "vpn-a", underlay: "192.0.2.1", tunAddresses: ["10.8.0.1/24", "fd00:8::1/64"] },
  { netns: "vpn-b", underlay: "192.0.2.2", tunAddresses: ["10.8.0.2/24", "fd00:8::2/64"] },
];

interface Tunnel {
  process: ChildProcess;
  output: GuestConsole;
  exited: Promise<number | null>;
}

/** The example's program in the side's namespace, as the tun's owner, with no capability. */
function startTunnel(side: Side, peer: Side): Tunnel {
  const output = new GuestConsole(`tunnel in ${side.netns}`);
  const child = spawn(
    "ip",
    ["netns", "exec", side.netns, "setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", process.execPath, TUNNEL_PROGRAM, "--tun", "tun0", "--local", `${side.underlay}:1194`, "--peer", `${peer.underlay}:1194`],
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

const tunnels: Tunnel[] = [];

before(async () => {
  openTunNodeToEveryone();
  for (const side of sides) {
    ip("netns", "add", side.netns);
    ip("-n", side.netns, "link", "set", "lo", "up");
  }
  // The underlay: a veth pair, one end in each namespace; nothing else joins them.
  ip("link", "add", "wire-a", "netns", "vpn-a", "type", "veth", "peer", "name", "wire-b", "netns", "vpn-b");
  for (const [side, wire] of [[sides[0], "wire-a"], [sides[1], "wire-b"]] as const) {
    ip("-n", side.netns, "address", "add", `${side.underlay}/24`, "dev", wire);
    ip("-n", side.netns, "link", "set", wire, "up");
  }
  // examples/vpn-tun's tun, once per side (config netns, ipv4Address, ipv6Address; user nobody, mtu 1500).
  for (const side of sides) {
    await create(tapInterfaceProvider, {
      name: "tun0",
      mode: "tun",
      owner: user.name,
      addresses: side.tunAddresses,
      mtu: 1500,
      netns: side.netns,
      packetInfo: false,
      managedBy: `tuntap-vpn-tun/${side.netns}/vpn`,
    });
  }
});

after(async () => {
  for (const tunnel of tunnels) tunnel.process.kill("SIGTERM");
  await Promise.all(tunnels.map((tunnel) => tunnel.exited));
});

test("vpn-tun: a ping crosses the tunnel between two namespaces, over UDP, carried by unprivileged programs", async (t) => {
  const [a, b] = sides;
  assert.equal(hostPing("10.8.0.2", { netns: a.netns, count: 1 }).received, 0, "no tunnel yet: 10.8.0.2 is unreachable from vpn-a");
  tunnels.push(startTunnel(a, b), startTunnel(b, a));
  for (const tunnel of tunnels) {
    const up = await tunnel.output.waitFor(/^tunnel up: /);
    assert.match(up.text, new RegExp(`\\(uid ${user.uid}\\)$`), "runs as the tun's owner");
    t.diagnostic(`${tunnel.output.name}: ${up.text}`);
  }
  const v4 = hostPing("10.8.0.2", { netns: a.netns });
  assert.equal(v4.received, 3, `IPv4 across the tunnel: ${v4.output}`);
  const v6 = hostPing("fd00:8::2", { netns: a.netns });
  assert.equal(v6.received, 3, `IPv6 across the tunnel: ${v6.output}`);
  for (const ping of [v4, v6]) for (const line of ping.output.trim().split("\n")) t.diagnostic(`vpn-a$ ${line}`);

  for (const tunnel of tunnels) tunnel.process.kill("SIGTERM");
  await Promise.all(tunnels.map((tunnel) => tunnel.exited));
  for (const tunnel of tunnels) {
    const down = await tunnel.output.waitFor(/^tunnel down: /);
    const [, toPeer, fromPeer] = /(\d+) packets to the peer, (\d+) from it/.exec(down.text) ?? [];
    assert.ok(Number(toPeer) >= 6 && Number(fromPeer) >= 6, `each side carried both pings' echoes: ${down.text}`);
    t.diagnostic(`${tunnel.output.name}: ${down.text}`);
  }
});
