// examples/vm-lab as it runs by default (startVms=false: the stack starts no VM, it outputs the commands), with
// real guests started by hand from those outputs, through the real Pulumi CLI: `pulumi up` of the example (config
// kernel, initrd, kernelArgs, runDirectory; the rest its defaults: two multi-queue taps with queues=2, owned by
// nobody, on the bridge labbr0 192.168.100.1/24) makes the network; vm0 is started by its startCommand and
// stopped by its stopCommand (run as local.Command runs them: `sh -c`, as root; the command itself switches to
// the tap's owner), vm1 by its qemuCommand run as the tap's owner; they ping each other and the bridge. Then a
// config change replaces the taps while the guests run (they are the user's: they keep running, cut off), the
// new outputs start them again, and `pulumi destroy` removes everything. With startVms=true the stack starts
// and stops them itself: vmLab.test.ts.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import type { CliStack } from "../cli/support/cliStack";
import { assertTap } from "../cli/support/kernel";
import { link, namespaceFingerprint } from "../support/ip";
import { cliRun, discard, openExample } from "./support/exampleStack";
import { type RunningGuest, shellArgv, startDaemonizedGuest, startGuest } from "./support/guest";
import { guestImage, type RunDirectory, runDirectoryFor } from "./support/guestImage";
import { hostPing } from "./support/ping";
import { liveProcessesMentioning } from "./support/processes";
import { assertPassed, reportsOf, stopAll } from "./support/report";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";
import { guestKernelArguments } from "./support/verdict";

/** One entry of the stack output `vms` (examples/vm-lab/lab.ts, LabVm). */
interface LabVmOutput {
  name: string;
  tap: string;
  guestMac: string;
  guestAddress: string;
  consoleLog: string;
  qemuCommand: string;
  startCommand: string;
  stopCommand: string;
  pidFile: string;
}

const BRIDGE = "192.168.100.1";
const GUESTS = ["192.168.100.2", "192.168.100.3"];
const user = unprivilegedUser();
let runDirectory: RunDirectory;
let stack: CliStack | undefined;
let emptyNamespace = "";
let vms: LabVmOutput[] = [];
let guests: RunningGuest[] = [];

before(() => {
  openTunNodeToEveryone();
  runDirectory = runDirectoryFor(guestImage(), user);
  emptyNamespace = namespaceFingerprint();
});

after(async () => {
  await stopAll(guests);
  await discard(stack);
  runDirectory.remove();
});

/** vm0 by its startCommand (as local.Command would run it), vm1 by its qemuCommand as the tap's owner. */
function startLabGuests(outputs: readonly LabVmOutput[]): RunningGuest[] {
  return outputs.map((vm, index) =>
    index === 0
      ? startDaemonizedGuest({ name: `${vm.name} (its startCommand)`, create: vm.startCommand, delete: vm.stopCommand, consoleLog: vm.consoleLog, pidFile: vm.pidFile })
      : startGuest({ name: `${vm.name} (its qemuCommand, as ${user.name})`, argv: shellArgv(vm.qemuCommand), user, consoleLog: vm.consoleLog }),
  );
}

function runningQemus() {
  return liveProcessesMentioning(runDirectory.path).filter((found) => found.commandLine.startsWith("qemu-system-x86_64 "));
}

test("vm-lab: pulumi up makes a bridge and multi-queue taps owned by nobody; two guests on them reach each other and the bridge", async (t) => {
  stack = await openExample("vm-lab", {
    kernel: runDirectory.image.kernel,
    initrd: runDirectory.image.initramfs,
    // Every guest gets the same list (its own address is skipped) and stays up until stopped, so the slower
    // one can still reach the faster.
    kernelArgs: guestKernelArguments({ reach: [BRIDGE, ...GUESTS], lingerSeconds: 3600 }),
    runDirectory: runDirectory.path,
  });
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { create: 4 }, "the stack, the bridge and two taps: no VM is started without startVms");
  assert.equal(up.outputs.vmsStarted, false);
  vms = up.outputs.vms as LabVmOutput[];
  assert.deepEqual(
    vms.map((vm) => [vm.tap, vm.guestAddress]),
    [
      ["labtap0", `${GUESTS[0]}/24`],
      ["labtap1", `${GUESTS[1]}/24`],
    ],
  );
  for (const vm of vms) {
    assert.equal(assertTap(vm.tap, { user: user.name, up: true }).linkinfo?.info_data?.multi_queue, true, `${vm.tap} is multi-queue`);
    assert.match(vm.qemuCommand, new RegExp(`-netdev tap,id=net0,ifname=${vm.tap},script=no,downscript=no,queues=2 `));
  }

  guests = startLabGuests(vms);
  const reports = await reportsOf(t, guests);
  assertPassed(reports[0]!, [BRIDGE, GUESTS[1]!]);
  assertPassed(reports[1]!, [BRIDGE, GUESTS[0]!]);
  for (const [index, report] of reports.entries()) {
    assert.match(report.upLine, / queues=2 /, `the guest's virtio-net has two queue pairs: ${report.upLine}`);
    const tap = link(vms[index]!.tap);
    assert.equal(tap?.linkinfo?.info_data?.numqueues, 2, "QEMU holds both queues of the tap");
    assert.equal(tap?.master, "labbr0");
  }
  const qemus = runningQemus();
  assert.equal(qemus.length, 2, "two QEMUs run");
  assert.deepEqual(
    qemus.map((qemu) => qemu.uid),
    [user.uid, user.uid],
    "each runs as the taps' owner",
  );
  for (const address of GUESTS) {
    const ping = hostPing(address);
    assert.equal(ping.received, 3, `the host reaches ${address} through the bridge: ${ping.output}`);
    t.diagnostic(`host → ${address}: ${ping.rttMs} ms`);
  }
});

test("vm-lab: queues=1 replaces the taps under the running guests: their network is cut, the new outputs start them again", async (t) => {
  assert.ok(stack, "the stack of the first test");
  const before = vms.map((vm) => link(vm.tap)?.ifindex);
  await stack.setConfig("queues", "1");
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { same: 2, replace: 2 }, "the taps are replaced (a tap's queue type cannot change); the bridge stays");

  // The old taps were deleted while QEMU held them; new single-queue taps of the same names are on the bridge,
  // with nothing attached.
  for (const [index, vm] of vms.entries()) {
    const tap = assertTap(vm.tap, { user: user.name, up: true });
    assert.notEqual(tap.ifindex, before[index], `${vm.tap} is a new device`);
    assert.equal(tap.linkinfo?.info_data?.multi_queue, false);
    assert.ok(tap.flags.includes("NO-CARRIER"), `no process holds the new ${vm.tap}: ${tap.flags.join(",")}`);
    assert.equal(tap.master, "labbr0");
  }
  // The guests keep running, cut off: QEMU's descriptor belongs to a device that no longer exists.
  assert.equal(runningQemus().length, 2, "both QEMUs still run");
  for (const address of GUESTS) {
    const ping = hostPing(address);
    assert.equal(ping.received, 0, `${address} is unreachable: its tap is gone\n${ping.output}`);
  }

  // The VMs are the user's (startVms=false): restart them with the stack's new outputs.
  await stopAll(guests);
  assert.deepEqual(runningQemus(), [], "the old QEMUs are stopped");
  for (const vm of vms) rmSync(vm.consoleLog, { force: true });
  vms = up.outputs.vms as LabVmOutput[];
  for (const vm of vms) assert.doesNotMatch(vm.qemuCommand, /queues=|mq=on/, "single-queue command lines");
  guests = startLabGuests(vms);
  const reports = await reportsOf(t, guests);
  assertPassed(reports[0]!, [BRIDGE, GUESTS[1]!]);
  assertPassed(reports[1]!, [BRIDGE, GUESTS[0]!]);
  for (const [index, report] of reports.entries()) {
    assert.match(report.upLine, / queues=1 /, report.upLine);
    assert.ok(link(vms[index]!.tap)?.flags.includes("LOWER_UP"), "QEMU holds the new tap: it has a carrier");
  }
});

test("vm-lab: the guests stopped (vm0 by its stopCommand), pulumi destroy removes the network; nothing is left", async (t) => {
  assert.ok(stack, "the stack of the first test");
  await stopAll(guests);
  assert.deepEqual(runningQemus(), [], "no QEMU is left");
  const destroy = await cliRun(t, stack, "destroy");
  assert.deepEqual(destroy.changes, { delete: 4 });
  assert.equal(namespaceFingerprint(), emptyNamespace, "ip -j shows the namespace as it was before pulumi up");
});
