// examples/vm-lab with startVms=true, for real: `pulumi up` through the real CLI makes the bridge and the taps
// (two multi-queue taps with queues=2, owned by nobody, on labbr0 192.168.100.1/24) and starts a test guest on
// each through @pulumi/command's local.Command (the real pulumi-resource-command plugin), as the taps' owner.
// The guests reach each other and the bridge. Raising `vms` from 2 to 3 starts exactly one more guest, lowering
// it stops exactly that one; a change that replaces the taps (queues=1) restarts the guests on the new taps;
// `pulumi destroy` leaves no QEMU process, no pid file and no device. The guests started by hand from the
// stack's outputs (startVms=false, the default) are vmLabByHand.test.ts.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { after, before, test, type TestContext } from "node:test";
import type { CliStack } from "../cli/support/cliStack";
import { assertTap } from "../cli/support/kernel";
import { resourcesOf } from "../cli/support/stateView";
import { link, namespaceFingerprint } from "../support/ip";
import { cliRun, discard, openExample } from "./support/exampleStack";
import { followStackGuest, type GuestReport, type RunningGuest } from "./support/guest";
import { guestImage, type RunDirectory, runDirectoryFor } from "./support/guestImage";
import { hostPing } from "./support/ping";
import { liveProcessesMentioning } from "./support/processes";
import { assertPassed, reportsOf } from "./support/report";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";
import { guestKernelArguments } from "./support/verdict";

/** One entry of the stack output `vms` (examples/vm-lab/lab.ts, LabVm). */
interface LabVmOutput {
  name: string;
  tap: string;
  guestAddress: string;
  consoleLog: string;
  qemuCommand: string;
  pidFile: string;
}

const BRIDGE = "192.168.100.1";
/** vm0, vm1 and, while `vms` is 3, vm2. */
const GUESTS = ["192.168.100.2", "192.168.100.3", "192.168.100.4"];
const COMMAND_TYPE = "command:local:Command";
const user = unprivilegedUser();
let runDirectory: RunDirectory;
let stack: CliStack | undefined;
let emptyNamespace = "";
/** The guests running now, by VM name. */
const guests = new Map<string, RunningGuest & { pid: number }>();

before(() => {
  openTunNodeToEveryone();
  runDirectory = runDirectoryFor(guestImage(), user);
  emptyNamespace = namespaceFingerprint();
});

after(async () => {
  try {
    await discard(stack);
  } finally {
    for (const guest of guests.values()) await guest.stop();
    for (const leftover of runningQemus()) process.kill(leftover.pid, "SIGKILL");
    runDirectory.remove();
  }
});

function runningQemus() {
  return liveProcessesMentioning(runDirectory.path).filter((found) => found.commandLine.startsWith("qemu-system-x86_64 "));
}

/** The VMs the last up output. */
function vmsOf(outputs: Record<string, unknown>): LabVmOutput[] {
  return outputs.vms as LabVmOutput[];
}

/** Follows the guests of these VMs, whose QEMUs the last up started; waits for their verdicts. */
async function followStarted(t: TestContext, vms: readonly LabVmOutput[]): Promise<GuestReport[]> {
  const started = vms.map((vm) => {
    const guest = followStackGuest({ name: vm.name, consoleLog: vm.consoleLog, pidFile: vm.pidFile });
    guests.set(vm.name, guest);
    return guest;
  });
  return reportsOf(t, started);
}

/** Each guest passed, reaching the bridge and the other guests of the lab's first `count` (its own is skipped). */
function assertReachedTheLab(reports: readonly GuestReport[], vms: readonly LabVmOutput[], count: number): void {
  for (const [index, report] of reports.entries()) {
    const own = vms[index]!.guestAddress.split("/")[0]!;
    assertPassed(report, [BRIDGE, ...GUESTS.slice(0, count).filter((address) => address !== own)]);
  }
}

/** The running QEMUs: as many as `vms`, each the pid its pid file names, each running as the taps' owner. */
function assertQemusOf(vms: readonly LabVmOutput[]): Map<string, number> {
  const qemus = runningQemus();
  assert.equal(qemus.length, vms.length, `one QEMU per VM: ${qemus.map((qemu) => qemu.commandLine.slice(0, 40)).join("; ")}`);
  const pids = new Map<string, number>();
  for (const vm of vms) {
    const pid = guests.get(vm.name)?.pid;
    const qemu = qemus.find((candidate) => candidate.pid === pid);
    assert.ok(qemu, `${vm.name}'s QEMU (pid ${pid}, from ${vm.pidFile}) runs`);
    assert.equal(qemu.uid, user.uid, `${vm.name}'s QEMU runs as the taps' owner`);
    assert.match(qemu.commandLine, new RegExp(`ifname=${vm.tap},`), `${vm.name}'s QEMU is on ${vm.tap}`);
    pids.set(vm.name, qemu.pid);
  }
  return pids;
}

function commandsIn(state: Awaited<ReturnType<CliStack["exportState"]>>): string[] {
  return resourcesOf(state)
    .filter((resource) => resource.type === COMMAND_TYPE)
    .map((resource) => resource.urn.split("::").pop() ?? "")
    .sort();
}

test("vm-lab startVms=true: pulumi up starts a guest on each multi-queue tap, as the taps' owner; they reach each other and the bridge", async (t) => {
  stack = await openExample("vm-lab", {
    kernel: runDirectory.image.kernel,
    initrd: runDirectory.image.initramfs,
    // Every guest gets the same list (its own address is skipped) and stays up until stopped, so the slower one
    // can still reach the faster; vm2, when there is one, is the last address.
    kernelArgs: guestKernelArguments({ reach: [BRIDGE, ...GUESTS.slice(0, 2)], lingerSeconds: 3600 }),
    runDirectory: runDirectory.path,
    startVms: "true",
  });
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { create: 6 }, "the stack, the bridge, two taps and two commands");
  assert.equal(up.outputs.vmsStarted, true);
  assert.deepEqual(commandsIn(await stack.exportState()), ["lab-vm0-qemu", "lab-vm1-qemu"]);
  const vms = vmsOf(up.outputs);
  for (const vm of vms) {
    assert.equal(assertTap(vm.tap, { user: user.name, up: true }).linkinfo?.info_data?.multi_queue, true, `${vm.tap} is multi-queue`);
    assert.ok(existsSync(vm.pidFile), `${vm.pidFile} was written`);
  }

  const reports = await followStarted(t, vms);
  assertReachedTheLab(reports, vms, 2);
  for (const [index, report] of reports.entries()) {
    assert.match(report.upLine, / queues=2 /, `the guest's virtio-net has two queue pairs: ${report.upLine}`);
    const tap = link(vms[index]!.tap);
    assert.equal(tap?.linkinfo?.info_data?.numqueues, 2, "QEMU holds both queues of the tap");
    assert.equal(tap?.master, "labbr0");
  }
  assertQemusOf(vms);
  for (const address of GUESTS.slice(0, 2)) {
    const ping = hostPing(address);
    assert.equal(ping.received, 3, `the host reaches ${address} through the bridge: ${ping.output}`);
    t.diagnostic(`host → ${address}: ${ping.rttMs} ms`);
  }
});

test("vm-lab startVms=true: preview --expect-no-changes finds nothing to change", async () => {
  assert.ok(stack, "the stack of the first test");
  const preview = await stack.preview({ expectNoChanges: true });
  assert.ok(preview.ok, preview.output.join("\n"));
  assert.deepEqual(preview.changes, { same: 6 });
});

test("vm-lab startVms=true: vms 2 → 3 starts exactly one more guest; 3 → 2 stops exactly that one", async (t) => {
  assert.ok(stack, "the stack of the first test");
  const before = assertQemusOf(vmsOf(await stack.outputs()));

  await stack.setConfig("vms", "3");
  const grown = await cliRun(t, stack, "up");
  assert.deepEqual(grown.changes, { same: 6, create: 2 }, "vm2's tap and command");
  const vms = vmsOf(grown.outputs);
  assert.deepEqual(vms.map((vm) => vm.tap), ["labtap0", "labtap1", "labtap2"]);
  const [report] = await followStarted(t, vms.slice(2));
  assertReachedTheLab([report!], vms.slice(2), 3);
  const during = assertQemusOf(vms);
  for (const [name, pid] of before) assert.equal(during.get(name), pid, `${name}'s QEMU still the same process`);

  await stack.setConfig("vms", "2");
  const shrunk = await cliRun(t, stack, "up");
  assert.deepEqual(shrunk.changes, { same: 6, delete: 2 }, "vm2's command and tap");
  // The command's delete returned once QEMU had exited.
  const after = assertQemusOf(vmsOf(shrunk.outputs));
  assert.deepEqual([...after], [...before], "vm2's QEMU is gone; vm0's and vm1's are untouched");
  await guests.get("vm2")?.stop();
  guests.delete("vm2");
  assert.equal(existsSync(vms[2]!.pidFile), false, "vm2's pid file is gone");
  assert.equal(link("labtap2"), undefined, "vm2's tap is gone");
});

test("vm-lab startVms=true: queues=1 replaces the taps, and the commands restart the guests on the new taps", async (t) => {
  assert.ok(stack, "the stack of the first test");
  const vmsBefore = vmsOf(await stack.outputs());
  const tapsBefore = vmsBefore.map((vm) => link(vm.tap)?.ifindex);
  const pidsBefore = assertQemusOf(vmsBefore);
  await stack.setConfig("queues", "1");
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { same: 2, replace: 4 }, "the taps (a tap's queue type cannot change) and the commands that run on them; the bridge stays");
  for (const [name, pid] of pidsBefore) assert.ok(!runningQemus().some((qemu) => qemu.pid === pid), `${name}'s old QEMU (${pid}) was stopped`);
  for (const guest of guests.values()) await guest.stop();
  guests.clear();

  const vms = vmsOf(up.outputs);
  for (const vm of vms) assert.doesNotMatch(vm.qemuCommand, /queues=|mq=on/, "single-queue command lines");
  const reports = await followStarted(t, vms);
  assertReachedTheLab(reports, vms, 2);
  for (const [index, vm] of vms.entries()) {
    const tap = assertTap(vm.tap, { user: user.name, up: true });
    assert.notEqual(tap.ifindex, tapsBefore[index], `${vm.tap} is a new device`);
    assert.equal(tap.linkinfo?.info_data?.multi_queue, false);
    assert.equal(tap.master, "labbr0");
    assert.match(reports[index]!.upLine, / queues=1 /, reports[index]!.upLine);
    assert.ok(link(vm.tap)?.flags.includes("LOWER_UP"), `the new QEMU holds the new ${vm.tap}: it has a carrier`);
  }
  const pids = assertQemusOf(vms);
  for (const [name, pid] of pids) assert.notEqual(pid, pidsBefore.get(name), `${name} runs in a new QEMU`);
});

test("vm-lab startVms=true: pulumi destroy stops every guest and removes the network; no QEMU, no pid file, no device is left", async (t) => {
  assert.ok(stack, "the stack of the first test");
  const destroy = await cliRun(t, stack, "destroy");
  assert.deepEqual(destroy.changes, { delete: 6 });
  assert.deepEqual(runningQemus(), [], "no QEMU is left: each command's delete waited for its QEMU to exit");
  assert.deepEqual(
    readdirSync(runDirectory.path).filter((file) => file.endsWith(".pid")),
    [],
    "no pid file is left",
  );
  assert.equal(namespaceFingerprint(), emptyNamespace, "ip -j shows the namespace as it was before pulumi up");
  for (const guest of guests.values()) await guest.stop();
  guests.clear();
});
