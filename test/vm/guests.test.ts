// Real guests on the declared networks: Debian's kernel and a busybox initramfs (tools/guest/build-image.sh)
// boot under QEMU (TCG) as the unprivileged tap owner, configure their address from the kernel command line,
// ping what they must reach and what they must not, and print a verdict. The devices are made by the
// package's providers, called in process as the engine would call them, with the inputs each example makes.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test, type TestContext } from "node:test";
import { bridgeProvider, tapInterfaceProvider } from "pulumi-tuntap";
import { planMicroVmAddresses } from "../../examples/microvm-net/addressPlan";
import { planGuestAddresses } from "../../examples/vm-lab/guestAddresses";
import { planLabVms, type VmLabSettings } from "../../examples/vm-lab/plan";
import { qemuArguments, shellCommand, startCommand, stopCommand } from "../../examples/vm-lab/qemu";
import { link } from "../support/ip";
import { create } from "../support/providers";
import { type GuestReport, type RunningGuest, shellArgv, startDaemonizedGuest, startGuest } from "./support/guest";
import { guestImage, type RunDirectory, runDirectoryFor } from "./support/guestImage";
import { hostPing } from "./support/ping";
import { microvmGuestArguments, pciGuestArguments } from "./support/qemu";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";
import { GUEST_PREFIX, guestKernelArguments, NETWORK_UP } from "./support/verdict";

const user = unprivilegedUser();
let run: RunDirectory;

before(() => {
  openTunNodeToEveryone();
  run = runDirectoryFor(guestImage(), user);
});
after(() => run.remove());

function describeReport(t: TestContext, guest: RunningGuest, report: GuestReport): void {
  const pings = report.verdict.reached.map((reached) => `${reached.address} ${reached.rttMs} ms`).join(", ");
  t.diagnostic(`${report.name}: $ ${guest.command}`);
  t.diagnostic(`${report.name}: init running after ${(report.bootMs / 1000).toFixed(1)} s, network up after ${(report.upMs / 1000).toFixed(1)} s, verdict after ${(report.verdictMs / 1000).toFixed(1)} s; round trips: ${pings || "none"}`);
  for (const line of guest.console.lines.filter((candidate) => candidate.text.startsWith(GUEST_PREFIX))) {
    t.diagnostic(`  [${(line.atMs / 1000).toFixed(1).padStart(5)} s] ${line.text}`);
  }
}

function assertPassed(report: GuestReport, reached: readonly string[], unreachable: readonly string[] = []): void {
  assert.ok(report.verdict.pass, `${report.name} passed its checks: ${report.verdict.line}`);
  assert.deepEqual(report.verdict.reached.map((entry) => entry.address).sort(), [...reached].sort(), `${report.name} reached exactly these`);
  assert.deepEqual([...report.verdict.unreachable].sort(), [...unreachable].sort(), `${report.name} could not reach these`);
}

/** Stops every guest, whatever happened. */
async function stopAll(guests: readonly RunningGuest[]): Promise<void> {
  await Promise.all(guests.map((guest) => guest.stop()));
}

test("tutorial-tap0: a QEMU guest on tap0 reaches 192.168.0.1, then powers off", async (t) => {
  // examples/tutorial-tap0 with its `owner` config set to the user who runs QEMU.
  await create(tapInterfaceProvider, {
    name: "tap0",
    mode: "tap",
    owner: user.name,
    mtu: 1500,
    addresses: ["192.168.0.1/24"],
    promiscuous: true,
    up: true,
    managedBy: "tuntap-tutorial-tap0/dev/lab",
  });
  const guest = startGuest({
    name: "tutorial guest",
    user,
    argv: pciGuestArguments({
      type: "pc",
      name: "tutorial",
      tap: "tap0",
      mac: "52:54:00:12:34:56",
      image: run.image,
      append: guestKernelArguments({ address: "192.168.0.2/24", reach: ["192.168.0.1"] }),
    }),
  });
  try {
    const report = await guest.report();
    describeReport(t, guest, report);
    assertPassed(report, ["192.168.0.1"]);
    assert.equal(await guest.exited, 0, "the guest powered off and QEMU exited on its own");
  } finally {
    await guest.stop();
  }
});

test("vm-lab: two guests on multi-queue taps (queues=2) on the bridge reach each other and the bridge", async (t) => {
  // One VM started by the commands the stack gives local.Command, the other by the command line it outputs.
  // examples/vm-lab with its defaults, booting the test guest directly (config kernel, initrd, kernelArgs).
  const guestAddresses = planGuestAddresses("192.168.100.1/24", ["vm0", "vm1"]).map((planned) => planned.address.split("/")[0]!);
  const settings: VmLabSettings = {
    vms: 2,
    queues: 2,
    user: user.name,
    bridgeName: "labbr0",
    bridgeAddress: "192.168.100.1/24",
    tapPrefix: "labtap",
    memoryMiB: 1024,
    vhost: false,
    kernel: {
      kernel: run.image.kernel,
      initrd: run.image.initramfs,
      // Every guest gets the same list (its own address is skipped) and stays up until stopped, so a slower
      // peer can still reach it.
      kernelArgs: guestKernelArguments({ reach: ["192.168.100.1", ...guestAddresses], lingerSeconds: 3600 }),
    },
    startVms: true,
    runDirectory: run.path,
    persistAtBoot: false,
    networkdDirectory: "/etc/systemd/network",
  };
  await create(bridgeProvider, { name: "labbr0", addresses: ["192.168.100.1/24"], stp: false, managedBy: "tuntap-vm-lab/dev/lab-bridge" });
  const plans = planLabVms(settings, "tuntap-vm-lab", "dev");
  const guests: RunningGuest[] = [];
  try {
    for (const [index, plan] of plans.entries()) {
      const tap = await create(tapInterfaceProvider, {
        name: `labtap${index}`,
        mode: "tap",
        owner: user.name,
        multiQueue: true,
        bridge: "labbr0",
        managedBy: `tuntap-vm-lab/dev/lab-${plan.name}`,
      });
      const vm = plan.qemu(tap.id);
      if (index === 0) {
        // What lab.ts gives local.Command with startVms: create and delete, run as local.Command runs them.
        guests.push(
          startDaemonizedGuest({
            name: `${plan.name} (local.Command's create)`,
            create: startCommand(vm, tap.outs.owner as number, plan.pidFile),
            delete: stopCommand(plan.pidFile),
            consoleLog: plan.consoleLog,
            pidFile: plan.pidFile,
          }),
        );
      } else {
        // The stack output vms[N].qemuCommand, run by hand as the tap's owner.
        guests.push(startGuest({ name: `${plan.name} (the qemuCommand output)`, argv: shellArgv(shellCommand(qemuArguments(vm))), user, consoleLog: plan.consoleLog }));
      }
    }
    const reports = await Promise.all(guests.map((guest) => guest.report()));
    for (const [index, report] of reports.entries()) describeReport(t, guests[index]!, report);
    assertPassed(reports[0]!, ["192.168.100.1", "192.168.100.3"]);
    assertPassed(reports[1]!, ["192.168.100.1", "192.168.100.2"]);
    for (const [index, report] of reports.entries()) {
      assert.match(report.upLine, / queues=2 /, `the guest's virtio-net has two queue pairs: ${report.upLine}`);
      const tap = link(`labtap${index}`);
      assert.equal(tap?.linkinfo?.info_data?.numqueues, 2, "QEMU holds both queues of the tap");
      assert.equal(tap?.master, "labbr0");
    }
  } finally {
    await stopAll(guests);
  }
  for (const index of [0, 1]) assert.equal(link(`labtap${index}`)?.linkinfo?.info_data?.numqueues, 0, "stopped: no queue held");
});

test("microvm-net: microvm guests, one per tap on its own /30, reach their gateway and not each other", async (t) => {
  // The host does not route between the /30s: the guests' isolation is the namespace's forwarding, off.
  assert.equal(readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim(), "0");
  const plans = planMicroVmAddresses("172.16.0.0/24", 2, "fc-tap");
  for (const plan of plans) {
    await create(tapInterfaceProvider, { name: plan.tapName, mode: "tap", addresses: [plan.hostAddress], owner: user.name, managedBy: `tuntap-microvm-net/dev/microvm-${plan.index}` });
  }
  const guestIp = (cidr: string) => cidr.split("/")[0]!;
  const guests = plans.map((plan) => {
    const others = plans.filter((other) => other !== plan).map((other) => guestIp(other.guestAddress));
    return startGuest({
      name: `microvm-${plan.index}`,
      user,
      argv: microvmGuestArguments({
        name: `microvm-${plan.index}`,
        tap: plan.tapName,
        mac: plan.guestMac,
        image: run.image,
        // The example's own outputs: the kernel ip= argument and the MAC.
        append: guestKernelArguments({ ipArgument: plan.kernelIpArgument, reach: [plan.gateway], unreachable: others, awaitPing: true, lingerSeconds: 3600 }),
      }),
    });
  });
  try {
    // The unreachable checks prove something only while the other guests are up: once every guest has said
    // its network is up, the host pings each (which also shows the host reaches them), and that ping is the
    // guests' signal to check.
    await Promise.all(guests.map((guest) => guest.console.waitFor(NETWORK_UP)));
    for (const plan of plans) {
      const ping = hostPing(guestIp(plan.guestAddress));
      assert.ok(ping.received > 0, `the host reaches ${plan.guestAddress} over ${plan.tapName}: ${ping.output}`);
      t.diagnostic(`host → ${guestIp(plan.guestAddress)}: ${ping.rttMs} ms`);
    }
    const reports = await Promise.all(guests.map((guest) => guest.report()));
    for (const [index, report] of reports.entries()) describeReport(t, guests[index]!, report);
    for (const [index, plan] of plans.entries()) {
      const others = plans.filter((other) => other !== plan).map((other) => guestIp(other.guestAddress));
      assertPassed(reports[index]!, [plan.gateway], others);
      assert.match(reports[index]!.upLine, new RegExp(` mac=${plan.guestMac} `), "the guest has the planned MAC");
    }
  } finally {
    await stopAll(guests);
  }
});
