// A lab declared as boot files only, brought up by the real systemd-networkd: a bridge whose NetworkdFiles carry a
// DHCP server (pool, DNS, a fixed lease by MAC), the lab's Masquerade (IPMasquerade=) and its Forwarding (written
// for this host's networkd). The devices, table and switch the providers made are removed (the "reboot"); networkd,
// started in this file's namespaces, reads the files; DHCP clients (busybox udhcpc) in namespaces on the bridge get
// the fixed lease and a pool address with the declared router and DNS, and a client pings 203.0.113.1 in an outside
// namespace, which sees the uplink's address (tcpdump there). networkd logs no complaint about any line we wrote.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { bridgeProvider, forwardingProvider, masqueradeProvider, networkdFilesProvider } from "pulumi-tuntap";
import type { Properties } from "pulumi-tuntap/model";
import { cidrs, ip, link } from "../support/ip";
import { fromBridge, NETWORKD, prepareNetworkdSandbox, RUNTIME_DIRECTORY } from "../support/networkd";
import { nft } from "../support/nft";
import { captureEchoRequest, makeOutside, OUTSIDE, ping, UPLINK } from "../support/packets";
import { create } from "../support/providers";
import { sysctl } from "../support/sysctl";
import { waitFor } from "../support/wait";

const managedBy = (resource: string) => `tuntap-tests/gateway/${resource}`;
const FIXED_MAC = "52:54:00:00:00:42";

let networkd: ChildProcess | undefined;
let log = "";
let scratch = "";

/** A udhcpc event script: records the lease, then configures it as a guest's init scripts would. */
const SCRIPT = `#!/bin/sh
[ "$1" = bound ] || exit 0
echo "ip=$ip mask=$mask router=$router dns=$dns" > "$LEASE_FILE"
ip address add "$ip/$mask" dev "$interface"
ip route add default via "$router"
`;

before(() => {
  const problem = prepareNetworkdSandbox();
  if (problem !== undefined) throw new Error(`systemd-networkd cannot run in this namespace: ${problem}`);
  scratch = mkdtempSync(join(tmpdir(), "gateway-"));
  writeFileSync(join(scratch, "script"), SCRIPT);
  chmodSync(join(scratch, "script"), 0o755);
  makeOutside("gwout", "gwup0");
});

after(() => {
  networkd?.kill();
  rmSync(scratch, { recursive: true, force: true });
});
// Also on a crash: a networkd left running would keep this namespace alive.
process.on("exit", () => networkd?.kill());

/** A DHCP client namespace on the bridge, its eth0 with this MAC; udhcpc run there until it has a lease (or gives up). */
function leaseFor(client: string, mac: string): string {
  ip("netns", "add", client);
  ip("link", "add", `${client}-port`, "type", "veth", "peer", "name", "eth0", "netns", client);
  ip("-n", client, "link", "set", "eth0", "address", mac);
  ip("link", "set", `${client}-port`, "master", "gwbr0");
  ip("link", "set", `${client}-port`, "up");
  ip("-n", client, "link", "set", "eth0", "up");
  const leaseFile = join(scratch, `lease-${client}`);
  // -n: give up (status 1) after -t discovers -T seconds apart, which is far beyond the time a lease takes.
  const result = spawnSync("ip", ["netns", "exec", client, "busybox", "udhcpc", "-f", "-q", "-n", "-i", "eth0", "-t", "60", "-T", "2", "-s", join(scratch, "script")], {
    encoding: "utf8",
    env: { ...process.env, LEASE_FILE: leaseFile },
  });
  assert.equal(result.status, 0, `udhcpc got no lease: ${result.stdout}${result.stderr}\nsystemd-networkd said:\n${log}`);
  return readFileSync(leaseFile, "utf8").trim();
}

test("the files bring the lab back: DHCP leases as declared, forwarding on, and NAT out of the uplink", async () => {
  const bridge = await create(bridgeProvider, { name: "gwbr0", addresses: ["10.50.0.1/24"], managedBy: managedBy("lab") });
  const masquerade = await create(masqueradeProvider, { sources: ["10.50.0.0/24"], device: "gwbr0", managedBy: managedBy("nat") });
  const forwarding = await create(forwardingProvider, { managedBy: managedBy("forwarding") });
  const { ipv4, ipv6 } = forwarding.outs;
  const files = await create(networkdFilesProvider, {
    ...fromBridge(bridge.outs),
    dhcpServer: { poolOffset: 100, poolSize: 20, dns: ["10.50.0.1"], staticLeases: [{ macAddress: FIXED_MAC, address: "10.50.0.42" }] },
    masquerade: { device: masquerade.outs.device, sources: masquerade.outs.sources },
    forwarding: { ipv4, ipv6 },
    directory: RUNTIME_DIRECTORY,
    managedBy: managedBy("lab-files"),
  });
  const version = Number(/systemd (\d+)/.exec(spawnSync(NETWORKD, ["--version"], { encoding: "utf8" }).stdout)?.[1]);
  assert.equal(files.outs.networkdVersion, version, "written for this host's networkd");
  assert.ok(String(files.outs.networkContent).includes(version < 256 ? "IPForward=ipv4" : "IPv4Forwarding=yes"), String(files.outs.networkContent));

  // The "reboot": only the files remain.
  for (const [provider, made] of [[forwardingProvider, forwarding], [masqueradeProvider, masquerade], [bridgeProvider, bridge]] as const) {
    await provider.delete?.(made.id, made.outs);
  }
  assert.deepEqual([link("gwbr0"), sysctl("net.ipv4.ip_forward"), nft(["list", "ruleset"])], [undefined, "0", ""]);

  networkd = spawn(NETWORKD, [], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SYSTEMD_LOG_LEVEL: "info" } });
  networkd.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  networkd.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  await waitFor(() => link("gwbr0") !== undefined && cidrs("gwbr0").includes("10.50.0.1/24"), "networkd configuring gwbr0", () => `systemd-networkd said:\n${log}`);

  assert.equal(leaseFor("gwfixed", FIXED_MAC), "ip=10.50.0.42 mask=24 router=10.50.0.1 dns=10.50.0.1", "the fixed lease by MAC");
  const pooled = /^ip=10\.50\.0\.(\d+) mask=24 router=10\.50\.0\.1 dns=10\.50\.0\.1$/.exec(leaseFor("gwpool", "52:54:00:00:00:43"));
  assert.ok(pooled, "a pool lease with the declared router and DNS");
  assert.ok(Number(pooled[1]) >= 100 && Number(pooled[1]) < 120, `in the pool 10.50.0.100–119: ${pooled[0]}`);

  assert.equal(sysctl("net.ipv4.ip_forward"), "1", "forwarding on, as the files say");
  const networkdNat = nft(["list", "table", "ip", "io.systemd.nat"]);
  assert.match(networkdNat, /set masq_saddr \{[^}]*elements = \{ 10\.50\.0\.0\/24 \}/, "networkd's own masquerade set holds the lab's prefix");
  assert.match(networkdNat, /ip saddr @masq_saddr masquerade/);
  const capture = await captureEchoRequest("gwout", "world", 4);
  let line: string;
  try {
    assert.equal(ping("gwpool", 4, OUTSIDE, 10), true, "the guest gets out");
    line = await capture.printed;
  } finally {
    capture.stop();
  }
  assert.match(line, new RegExp(`IP ${UPLINK.replaceAll(".", "\\.")} > ${OUTSIDE.replaceAll(".", "\\.")}: ICMP echo request`), line);

  const complaints = log.split("\n").filter((entry) => entry.includes("50-gwbr0.network") && /unknown|failed|ignoring|deprecated|invalid/i.test(entry));
  assert.deepEqual(complaints, [], `networkd found nothing to complain about in our files:\n${log}`);
  await networkdFilesProvider.delete?.(files.id, files.outs as Properties);
});
