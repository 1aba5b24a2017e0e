// examples/microvm-net with real microVMs, through the real Pulumi CLI: `pulumi up` of the example (config
// owner=nobody; otherwise its defaults: two taps, 172.16.0.0/24 carved into /30s) makes one tap per microVM;
// one test guest per tap boots under QEMU's microvm machine (Firecracker's device model: virtio-mmio, no PCI) as
// the taps' owner, configured from the stack's outputs alone (the tap, guestMac and kernelIpArgument of each
// entry of `microVms`). Each reaches its gateway and not the other guest; `pulumi destroy` removes the taps.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import type { CliStack } from "../cli/support/cliStack";
import { assertTap } from "../cli/support/kernel";
import { namespaceFingerprint } from "../support/ip";
import { cliRun, discard, openExample } from "./support/exampleStack";
import { type RunningGuest, startGuest } from "./support/guest";
import { guestImage, type RunDirectory, runDirectoryFor } from "./support/guestImage";
import { hostPing } from "./support/ping";
import { liveProcessesMentioning } from "./support/processes";
import { microvmGuestArguments } from "./support/qemu";
import { assertPassed, reportsOf, stopAll } from "./support/report";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";
import { guestKernelArguments, NETWORK_UP } from "./support/verdict";

/** One entry of the stack output `microVms` (examples/microvm-net/network.ts, MicroVmGuest). */
interface MicroVmOutput {
  vm: string;
  tap: string;
  hostAddress: string;
  guestAddress: string;
  gateway: string;
  guestMac: string;
  kernelIpArgument: string;
  firecrackerNetworkInterface: { iface_id: string; guest_mac: string; host_dev_name: string };
}

const user = unprivilegedUser();
let runDirectory: RunDirectory;
let stack: CliStack | undefined;
let guests: RunningGuest[] = [];

before(() => {
  openTunNodeToEveryone();
  runDirectory = runDirectoryFor(guestImage(), user);
});

after(async () => {
  await stopAll(guests);
  await discard(stack);
  runDirectory.remove();
});

const ipOf = (cidr: string) => cidr.split("/")[0]!;

test("microvm-net: pulumi up makes a tap and /30 per microVM; each microvm guest reaches its gateway and not the other; pulumi destroy leaves nothing", async (t) => {
  // The host does not route between the /30s: the guests' isolation is the namespace's forwarding, off.
  assert.equal(readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim(), "0");
  const emptyNamespace = namespaceFingerprint();
  stack = await openExample("microvm-net", { owner: user.name });
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { create: 3 }, "the stack and two taps");
  const microVms = up.outputs.microVms as MicroVmOutput[];
  assert.deepEqual(
    microVms.map((vm) => [vm.firecrackerNetworkInterface.host_dev_name, vm.hostAddress, vm.guestAddress, vm.firecrackerNetworkInterface.guest_mac]),
    [
      ["fc-tap0", "172.16.0.1/30", "172.16.0.2/30", "06:00:ac:10:00:02"],
      ["fc-tap1", "172.16.0.5/30", "172.16.0.6/30", "06:00:ac:10:00:06"],
    ],
  );
  for (const vm of microVms) assertTap(vm.tap, { user: user.name, addresses: [vm.hostAddress], up: true });

  guests = microVms.map((vm) => {
    const others = microVms.filter((other) => other !== vm).map((other) => ipOf(other.guestAddress));
    return startGuest({
      name: vm.vm,
      user,
      argv: microvmGuestArguments({
        name: vm.vm,
        tap: vm.firecrackerNetworkInterface.host_dev_name,
        mac: vm.firecrackerNetworkInterface.guest_mac,
        image: runDirectory.image,
        append: guestKernelArguments({ ipArgument: vm.kernelIpArgument, reach: [vm.gateway], unreachable: others, awaitPing: true, lingerSeconds: 3600 }),
      }),
    });
  });
  // The unreachable checks prove something only while the other guests are up: once every guest has said its
  // network is up, the host pings each (which also shows the host reaches them), and that ping is the guests'
  // signal to check.
  await Promise.all(guests.map((guest) => guest.console.waitFor(NETWORK_UP)));
  for (const vm of microVms) {
    const ping = hostPing(ipOf(vm.guestAddress));
    assert.ok(ping.received > 0, `the host reaches ${vm.guestAddress} over ${vm.tap}: ${ping.output}`);
    t.diagnostic(`host → ${ipOf(vm.guestAddress)}: ${ping.rttMs} ms`);
  }
  const reports = await reportsOf(t, guests);
  for (const [index, vm] of microVms.entries()) {
    const others = microVms.filter((other) => other !== vm).map((other) => ipOf(other.guestAddress));
    assertPassed(reports[index]!, [vm.gateway], others);
    assert.match(reports[index]!.upLine, new RegExp(` mac=${vm.guestMac} `), "the guest has the MAC the stack planned");
  }

  await stopAll(guests);
  assert.deepEqual(liveProcessesMentioning(runDirectory.path), [], "no QEMU is left");
  const destroy = await cliRun(t, stack, "destroy");
  assert.deepEqual(destroy.changes, { delete: 3 });
  assert.equal(namespaceFingerprint(), emptyNamespace, "ip -j shows the namespace as it was before pulumi up");
});
