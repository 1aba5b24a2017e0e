// examples/vm-lab with nat=true and dhcp=true — libvirt's default network, declared (a LabNetwork) — through the real
// CLI, with a real QEMU guest. This file's namespace plays the host: "labout" holds the documentation address
// 203.0.113.1 behind the uplink veth "uplink0" (the host's default route); libvirt's, Docker's and an admin's
// nftables tables are there the whole time (the admin's forward policy is drop, with two rules letting labbr0
// through, as the Masquerade's warning says to add).
//
// The guest asks for its address by DHCP (busybox udhcpc; `ip=dhcp` on its kernel command line) and gets its fixed
// lease from dnsmasq (started by @pulumi/command), then pings 203.0.113.1: tcpdump in "labout" sees the uplink's
// address. `pulumi up` without the Masquerade (nat=false, forwarding kept on): the guest's pings now leave with its
// own address (tcpdump says so) and go unanswered. A rule of the Masquerade's table deleted by hand is found by
// refresh and put back by up; dnsmasq killed by hand is restarted by `up --replace`. dnsmasq that cannot start (the
// gateway's DNS port taken) fails the up before the ruleset or ip_forward is touched. `pulumi destroy` leaves no
// dnsmasq, no pid or lease file, the ruleset byte for byte and ip_forward as they were.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import type { CliStack } from "../cli/support/cliStack";
import { describe as describeRun, type RunResult } from "../cli/support/result";
import { ip } from "../support/ip";
import { FOREIGN, foreignTables, nft, nftFile, ruleHandles, ruleset, table } from "../support/nft";
import { captureEchoRequest, makeOutside, OUTSIDE, UPLINK } from "../support/packets";
import { sysctl } from "../support/sysctl";
import { cliRun, discard, openExample } from "./support/exampleStack";
import { followStackGuest, type RunningGuest } from "./support/guest";
import { guestImage, type RunDirectory, runDirectoryFor } from "./support/guestImage";
import { hostPing } from "./support/ping";
import { liveProcessesMentioning, processGone, thisTestsDnsmasqs } from "./support/processes";
import { describeReport } from "./support/report";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";
import { DHCP_LEASE, guestKernelArguments } from "./support/verdict";

/** LabNetwork's default run directory lives here: this file's own tmpfs, in its private mount namespace. */
const RUN_ROOT = "/run/pulumi-tuntap";
const GATEWAY = "192.168.100.1";
const GUEST = "192.168.100.2";
const WAITING = /^pulumi-tuntap-guest: waiting to be pinged/;

interface NetworkOutput {
  gateway: string;
  masqueradeTable: string;
  hosts: { macAddress: string; address: string; name: string }[];
  pidFile: string;
  leasesFile: string;
  logFile: string;
}
interface VmOutput {
  name: string;
  guestMac: string;
  guestAddress: string;
  consoleLog: string;
  pidFile: string;
}

const user = unprivilegedUser();
let runDirectory: RunDirectory;
let stack: CliStack | undefined;
let guest: (RunningGuest & { pid: number }) | undefined;
let network: NetworkOutput;
let rulesetBefore: ReturnType<typeof ruleset>;
let foreign: ReturnType<typeof foreignTables>;
let forwardBefore = "";

before(() => {
  openTunNodeToEveryone();
  runDirectory = runDirectoryFor(guestImage(), user);
  mkdirSync(RUN_ROOT, { recursive: true });
  spawnOrThrow("mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", RUN_ROOT);
  makeOutside("labout", "uplink0");
  // libvirt's rules name its bridge by index (iif), so the device must exist.
  ip("link", "add", "virbr0", "type", "veth", "peer", "name", "virbr0-peer");
  nftFile(FOREIGN);
  nft(["insert", "rule", "inet", "filter", "forward", "iifname", "labbr0", "accept"]);
  nft(["insert", "rule", "inet", "filter", "forward", "oifname", "labbr0", "ct", "state", "established,related", "accept"]);
  rulesetBefore = ruleset();
  foreign = foreignTables();
  forwardBefore = sysctl("net.ipv4.ip_forward");
});

after(async () => {
  try {
    await discard(stack);
  } finally {
    await guest?.stop();
    for (const leftover of liveProcessesMentioning(runDirectory.path)) process.kill(leftover.pid, "SIGKILL");
    runDirectory.remove();
  }
});

function spawnOrThrow(command: string, ...args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
}

function ok(result: RunResult): RunResult {
  assert.ok(result.ok, describeRun(result));
  return result;
}

function dnsmasqPid(): number | undefined {
  if (!existsSync(network.pidFile)) return undefined;
  const pid = Number(readFileSync(network.pidFile, "utf8").trim());
  return processGone(pid) ? undefined : pid;
}

/** The stack's dnsmasqs. */
function dnsmasqs(): number[] {
  return thisTestsDnsmasqs(RUN_ROOT).map((found) => found.pid);
}

/** The capture's line for the guest's first echo request that reaches the outside. */
async function echoSeenOutside<T>(during: () => Promise<T>): Promise<{ line: string; result: T }> {
  const capture = await captureEchoRequest("labout", "world", 4);
  try {
    const result = await during();
    return { line: await capture.printed, result };
  } finally {
    capture.stop();
  }
}

const escaped = (address: string) => address.replaceAll(".", "\\.");

test("vm-lab nat=true dhcp=true: the guest takes its fixed lease from dnsmasq by DHCP and reaches 203.0.113.1, masqueraded behind the uplink", async (t) => {
  stack = await openExample("vm-lab", {
    vms: "1",
    queues: "1",
    kernel: runDirectory.image.kernel,
    initrd: runDirectory.image.initramfs,
    // Reach the outside; then, once the host pings it (after the Masquerade has gone), check it no longer can.
    kernelArgs: guestKernelArguments({ reach: [OUTSIDE], unreachable: [OUTSIDE], awaitPing: true, waitSeconds: 600 }),
    runDirectory: runDirectory.path,
    startVms: "true",
    nat: "true",
    dhcp: "true",
  });
  const { line, result: up } = await echoSeenOutside(async () => {
    const up = await cliRun(t, stack!, "up");
    const [vm] = up.outputs.vms as VmOutput[];
    guest = followStackGuest({ name: vm!.name, consoleLog: vm!.consoleLog, pidFile: vm!.pidFile });
    await guest.console.waitFor(WAITING);
    return up;
  });
  assert.deepEqual(up.changes, { create: 8 }, "the stack, the LabNetwork, its bridge, Masquerade, Forwarding and dnsmasq, the tap, the VM");
  network = up.outputs.network as NetworkOutput;
  const [vm] = up.outputs.vms as VmOutput[];
  assert.deepEqual(network.hosts, [{ macAddress: vm!.guestMac, address: GUEST, name: "vm0" }], "the fixed lease is keyed on the guest's MAC");
  assert.equal(vm!.guestAddress, `${GUEST}/24`);

  const lease = guest!.console.lines.find((entry) => DHCP_LEASE.test(entry.text))?.text ?? "";
  assert.match(lease, new RegExp(`DHCP lease of ${escaped(GUEST)}/24 from ${escaped(GATEWAY)}, router ${escaped(GATEWAY)}`), guest!.console.lines.map((entry) => entry.text).join("\n"));
  t.diagnostic(lease);
  assert.match(readFileSync(network.leasesFile, "utf8"), new RegExp(`^\\d+ ${vm!.guestMac} ${escaped(GUEST)} vm0 `, "m"), "dnsmasq's lease file holds the guest's lease");
  assert.match(readFileSync(network.logFile, "utf8"), new RegExp(`DHCPACK\\(labbr0\\) ${escaped(GUEST)} ${vm!.guestMac} vm0`));
  const pid = dnsmasqPid();
  assert.ok(pid !== undefined, `dnsmasq runs, as ${network.pidFile} says`);
  assert.deepEqual(dnsmasqs(), [pid], "one dnsmasq");

  t.diagnostic(`outside: ${line.trim()}`);
  assert.match(line, new RegExp(`IP ${escaped(UPLINK)} > ${escaped(OUTSIDE)}: ICMP echo request`), line);
  assert.ok(!line.includes(GUEST), "the outside never sees the guest's address");
  assert.ok(table("inet", network.masqueradeTable), "the Masquerade's table");
  assert.equal(sysctl("net.ipv4.ip_forward"), "1");
  assert.deepEqual(foreignTables(), foreign, "libvirt's, Docker's and the admin's tables byte for byte");
});

test("a rule of the lab's table deleted by hand: refresh finds it, up puts it back; dnsmasq killed by hand: up --replace restarts it; foreign tables untouched", async (t) => {
  assert.ok(stack && network, "the stack of the first test");
  const right = table("inet", network.masqueradeTable)?.text.replace(/ # handle \d+/g, "");
  const [first] = ruleHandles("inet", network.masqueradeTable, "forward");
  nft(["delete", "rule", "inet", network.masqueradeTable, "forward", "handle", String(first)]);
  const refresh = ok(await stack.refresh());
  assert.equal(refresh.changes.update, 1, describeRun(refresh));
  const repaired = await cliRun(t, stack, "up");
  assert.equal(repaired.changes.update, 1, describeRun(repaired));
  assert.equal(table("inet", network.masqueradeTable)?.text.replace(/ # handle \d+/g, ""), right);

  const killed = dnsmasqPid();
  assert.ok(killed !== undefined);
  process.kill(killed, "SIGKILL");
  while (!processGone(killed)) await new Promise((resolve) => setTimeout(resolve, 50));
  const dnsmasq = (await stack.resources()).find((resource) => resource.urn.endsWith("::lab-dnsmasq"));
  assert.ok(dnsmasq, "the dnsmasq Command is in the state");
  const replaced = ok(await stack.up({ replace: [dnsmasq.urn] }));
  assert.equal(replaced.changes.replace, 1, describeRun(replaced));
  const restarted = dnsmasqPid();
  assert.ok(restarted !== undefined && restarted !== killed, "a new dnsmasq runs");
  assert.deepEqual(dnsmasqs(), [restarted]);
  assert.deepEqual(foreignTables(), foreign);
});

test("without the Masquerade (nat=false, forwarding kept on, by pulumi up) the guest's pings leave with its own address and fail", async (t) => {
  assert.ok(stack && guest, "the guest of the first test");
  await stack.setConfig("nat", "false");
  await stack.setConfig("forwarding", "true");
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { same: 7, delete: 1 }, "only the Masquerade goes");
  assert.equal(table("inet", network.masqueradeTable), undefined);
  assert.equal(sysctl("net.ipv4.ip_forward"), "1", "forwarding stays on: only the masquerade is missing");

  const { line, result: report } = await echoSeenOutside(async () => {
    // The guest's signal: checks what it must no longer reach once pinged.
    const ping = hostPing(GUEST);
    assert.ok(ping.received > 0, `the host reaches the guest on the bridge: ${ping.output}`);
    return guest!.report();
  });
  describeReport(t, guest!, report);
  assert.ok(report.verdict.pass, report.verdict.line);
  assert.deepEqual(report.verdict.reached.map((entry) => entry.address), [OUTSIDE], "reached while masqueraded");
  assert.deepEqual(report.verdict.unreachable, [OUTSIDE], "unreachable without the Masquerade");
  t.diagnostic(`outside: ${line.trim()}`);
  assert.match(line, new RegExp(`IP ${escaped(GUEST)} > ${escaped(OUTSIDE)}: ICMP echo request`), "the packets arrive unmasqueraded, from the guest's own address, which has no way back");
  assert.deepEqual(foreignTables(), foreign);
});

test("pulumi destroy: no dnsmasq, no pid or lease file; the ruleset byte for byte and ip_forward as before", async (t) => {
  assert.ok(stack);
  const destroy = await cliRun(t, stack, "destroy");
  assert.deepEqual(destroy.changes, { delete: 7 });
  await guest?.stop();
  guest = undefined;
  assert.deepEqual(dnsmasqs(), [], "no dnsmasq is left");
  assert.deepEqual([existsSync(network.pidFile), existsSync(network.leasesFile)], [false, false], "no pid or lease file");
  assert.deepEqual(ruleset(), rulesetBefore, "the ruleset as before the first up");
  assert.equal(sysctl("net.ipv4.ip_forward"), forwardBefore);
});

test("dnsmasq that cannot start (the gateway's DNS port taken) fails the up with its own words before the ruleset or ip_forward is touched; once freed, up converges", async (t) => {
  assert.ok(stack);
  await stack.setConfig("nat", "true");
  await stack.removeConfig("forwarding");
  await stack.setConfig("startVms", "false");
  // A resolver of the host's on every address, as a host's own dnsmasq or bind may be.
  const resolver: Socket = createSocket({ type: "udp4", reuseAddr: false });
  await new Promise<void>((resolve) => resolver.bind(53, "0.0.0.0", resolve));
  let failed: RunResult;
  try {
    failed = await stack.up();
  } finally {
    resolver.close();
  }
  assert.equal(failed.ok, false, describeRun(failed));
  assert.ok(
    failed.errors.some((error) => /failed to create listening socket for 192\.168\.100\.1: Address already in use/.test(error)),
    failed.errors.join("\n"),
  );
  assert.deepEqual(ruleset(), rulesetBefore, "no table was made: the Masquerade waits for dnsmasq");
  assert.equal(sysctl("net.ipv4.ip_forward"), forwardBefore, "nor was forwarding turned on");
  assert.deepEqual(dnsmasqs(), []);

  const converged = await cliRun(t, stack, "up");
  const created = converged.steps.filter((step) => step.op === "create").map((step) => step.urn.split("::").pop());
  for (const name of ["lab-dnsmasq", "lab-nat", "lab-forwarding"]) assert.ok(created.includes(name), `${name} made by the rerun: ${describeRun(converged)}`);
  assert.equal(dnsmasqs().length, 1);
  const destroy = await cliRun(t, stack, "destroy");
  assert.ok((destroy.changes.delete ?? 0) > 0);
  assert.deepEqual(dnsmasqs(), []);
  assert.deepEqual(ruleset(), rulesetBefore);
  assert.equal(sysctl("net.ipv4.ip_forward"), forwardBefore);
});
