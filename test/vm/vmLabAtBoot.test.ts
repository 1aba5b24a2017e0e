// examples/vm-lab with nat, dhcp and persistAtBoot through the real CLI, then the same lab after a "reboot", brought
// up by the real systemd-networkd from the boot files alone, with a real QEMU guest on it.
//
// The reboot is a fresh network namespace, "booted": no bridge, no tap, no table, ip_forward 0 — what the host has
// after a reboot, while the files (/run/systemd/network, this file's own tmpfs) are still there. Its uplink "uplink0"
// holds the host's default route towards "bootout", the outside with 203.0.113.1. networkd, started inside "booted",
// reads the LabNetwork's files (the bridge with DHCPServer=, its pool and the VM's static lease, IPMasquerade=,
// IPForward=) and the tap's (owned by nobody, a port of the bridge). The guest's QEMU — the stack's own startCommand
// output, as nobody — opens the tap networkd made, takes its fixed lease from networkd's DHCP server (busybox
// udhcpc) and pings 203.0.113.1, which sees the uplink's address (tcpdump there). No dnsmasq runs in "booted": the
// DHCP server at boot is networkd's.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { shellQuote } from "../../examples/vm-lab/qemu";
import type { CliStack } from "../cli/support/cliStack";
import { cidrs, ip, link } from "../support/ip";
import { NETWORKD, prepareNetworkdSandbox, RUNTIME_DIRECTORY } from "../support/networkd";
import { nft } from "../support/nft";
import { captureEchoRequest, OUTSIDE, UPLINK } from "../support/packets";
import { sysctl } from "../support/sysctl";
import { waitFor } from "../support/wait";
import { cliRun, discard, openExample } from "./support/exampleStack";
import { type RunningGuest, startDaemonizedGuest } from "./support/guest";
import { guestImage, type RunDirectory, runDirectoryFor } from "./support/guestImage";
import { liveProcessesMentioning, namedNetworkNamespace, networkNamespaceOf, thisTestsDnsmasqs } from "./support/processes";
import { assertPassed, reportsOf } from "./support/report";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";
import { DHCP_LEASE, guestKernelArguments } from "./support/verdict";

const BOOTED = "booted";
const OUTSIDE_NS = "bootout";
const GATEWAY = "192.168.100.1";
const GUEST = "192.168.100.2";

interface VmOutput {
  name: string;
  guestMac: string;
  consoleLog: string;
  pidFile: string;
  startCommand: string;
  stopCommand: string;
}

const user = unprivilegedUser();
let runDirectory: RunDirectory;
let stack: CliStack | undefined;
let guest: RunningGuest | undefined;
let networkd: ChildProcess | undefined;
let log = "";

before(() => {
  const problem = prepareNetworkdSandbox();
  if (problem !== undefined) throw new Error(`systemd-networkd cannot run in this namespace: ${problem}`);
  openTunNodeToEveryone();
  runDirectory = runDirectoryFor(guestImage(), user);
  mkdirSync("/run/pulumi-tuntap", { recursive: true });
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run/pulumi-tuntap"], { encoding: "utf8" });
  if (mounted.status !== 0) throw new Error(`mounting /run/pulumi-tuntap: ${mounted.stderr}`);
});

after(async () => {
  try {
    await guest?.stop();
    networkd?.kill();
    for (const netns of [BOOTED, OUTSIDE_NS]) spawnSync("ip", ["netns", "delete", netns]);
    await discard(stack);
  } finally {
    for (const leftover of liveProcessesMentioning(runDirectory.path)) process.kill(leftover.pid, "SIGKILL");
    runDirectory.remove();
  }
});
// Also on a crash: a networkd left running would keep its namespace alive.
process.on("exit", () => networkd?.kill());

/** The rebooted host's uplink: a veth to the outside with the host's default route through it. */
function makeBootedHost(): void {
  ip("netns", "add", BOOTED);
  ip("netns", "add", OUTSIDE_NS);
  ip("-n", BOOTED, "link", "set", "lo", "up");
  ip("-n", BOOTED, "link", "add", "uplink0", "type", "veth", "peer", "name", "world", "netns", OUTSIDE_NS);
  ip("-n", BOOTED, "address", "add", `${UPLINK}/24`, "dev", "uplink0");
  ip("-n", BOOTED, "link", "set", "uplink0", "up");
  ip("-n", BOOTED, "route", "add", "default", "via", OUTSIDE);
  ip("-n", OUTSIDE_NS, "address", "add", `${OUTSIDE}/24`, "dev", "world");
  ip("-n", OUTSIDE_NS, "link", "set", "world", "up");
}

test("vm-lab persistAtBoot: after a reboot, systemd-networkd brings the lab back from the files alone; a QEMU guest takes its fixed lease from networkd's DHCP server and reaches 203.0.113.1 masqueraded", async (t) => {
  stack = await openExample("vm-lab", {
    vms: "1",
    queues: "1",
    kernel: runDirectory.image.kernel,
    initrd: runDirectory.image.initramfs,
    kernelArgs: guestKernelArguments({ reach: [GATEWAY, OUTSIDE] }),
    runDirectory: runDirectory.path,
    nat: "true",
    dhcp: "true",
    persistAtBoot: "true",
    networkdDirectory: RUNTIME_DIRECTORY,
  });
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { create: 9 }, "the stack, the LabNetwork, its bridge, Masquerade, Forwarding, dnsmasq and boot files, the tap and its boot files");
  const [vm] = up.outputs.vms as VmOutput[];
  assert.ok(vm);
  const files = (up.outputs.bootFiles as string[][]).flat();
  t.diagnostic(`boot files: ${files.join(", ")}`);

  makeBootedHost();
  assert.deepEqual([link("labbr0", BOOTED), sysctl("net.ipv4.ip_forward", BOOTED), nft(["list", "ruleset"], BOOTED)], [undefined, "0", ""], "the rebooted host has none of the lab");
  // `ip netns exec` mounts a sysfs of the namespace, read-write: read-only, networkd does not wait for udev.
  networkd = spawn("ip", ["netns", "exec", BOOTED, "sh", "-c", `mount -o remount,ro /sys && exec ${NETWORKD}`], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, SYSTEMD_LOG_LEVEL: "info" },
  });
  networkd.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  networkd.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  await waitFor(
    () => link("labtap0", BOOTED)?.master === "labbr0" && cidrs("labbr0", BOOTED).includes(`${GATEWAY}/24`),
    "networkd making labbr0 with its address and labtap0 as its port",
    () => `systemd-networkd said:\n${log}`,
  );

  const capture = await captureEchoRequest(OUTSIDE_NS, "world", 4);
  let line: string;
  try {
    // The stack's own start command, run in the rebooted host: QEMU as the tap's owner, on the tap networkd made.
    guest = startDaemonizedGuest({
      name: vm.name,
      create: `ip netns exec ${BOOTED} sh -c ${shellQuote(vm.startCommand)}`,
      delete: vm.stopCommand,
      consoleLog: vm.consoleLog,
      pidFile: vm.pidFile,
    });
    const [report] = await reportsOf(t, [guest]);
    assertPassed(report!, [GATEWAY, OUTSIDE]);
    line = await capture.printed;
  } finally {
    capture.stop();
  }
  const lease = guest.console.lines.find((entry) => DHCP_LEASE.test(entry.text))?.text ?? "";
  assert.match(lease, new RegExp(`DHCP lease of ${GUEST.replaceAll(".", "\\.")}/24 from ${GATEWAY.replaceAll(".", "\\.")}, router ${GATEWAY.replaceAll(".", "\\.")}`), "the static lease for the guest's MAC");
  t.diagnostic(`outside: ${line.trim()}`);
  assert.match(line, new RegExp(`IP ${UPLINK.replaceAll(".", "\\.")} > ${OUTSIDE.replaceAll(".", "\\.")}: ICMP echo request`), line);
  assert.match(nft(["list", "table", "ip", "io.systemd.nat"], BOOTED), /ip saddr @masq_saddr masquerade/, "networkd's own masquerade");
  assert.equal(sysctl("net.ipv4.ip_forward", BOOTED), "1");
  const bootedNamespace = namedNetworkNamespace(BOOTED);
  const dnsmasqs = thisTestsDnsmasqs("/run/pulumi-tuntap");
  assert.equal(dnsmasqs.length, 1, "the stack's dnsmasq, in the stack's namespace");
  assert.ok(dnsmasqs.every((found) => networkNamespaceOf(found.pid) !== bootedNamespace), "no dnsmasq in the rebooted host: its DHCP server is networkd's");
  const complaints = log.split("\n").filter((entry) => /50-lab(br|tap)0\.(network|netdev)/.test(entry) && /unknown|failed|ignoring|deprecated|invalid/i.test(entry));
  assert.deepEqual(complaints, [], `networkd found nothing to complain about in the files:\n${log}`);
});

test("the lab in the stack's own namespace was untouched by the reboot; pulumi destroy removes it and the boot files", async (t) => {
  assert.ok(stack);
  await guest?.stop();
  guest = undefined;
  networkd?.kill();
  networkd = undefined;
  assert.match(nft(["list", "ruleset"]), /table inet pulumi-/, "the stack's tables are in its own namespace, as up made them");
  assert.equal(sysctl("net.ipv4.ip_forward"), "1");
  const destroy = await cliRun(t, stack, "destroy");
  assert.deepEqual(destroy.changes, { delete: 9 });
  assert.equal(nft(["list", "ruleset"]), "", "no table left");
  assert.equal(sysctl("net.ipv4.ip_forward"), "0");
  assert.deepEqual(spawnSync("ls", [RUNTIME_DIRECTORY], { encoding: "utf8" }).stdout, "", "no boot file left");
});
