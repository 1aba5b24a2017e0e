// examples/microvm-net: the /30-per-microVM address plan (pure), and the program under Pulumi's mocks.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { capacityOf, planMicroVmAddresses } from "../../examples/microvm-net/addressPlan";
import { microVmNetwork } from "../../examples/microvm-net/network";
import { installMocks, registrationsOf, TYPES, valueOf } from "./support/mocks";

describe("address plan", () => {
  test("the first microVM is Firecracker's guide exactly: 172.16.0.1/30 on the host, .2 in the guest", () => {
    const [first] = planMicroVmAddresses("172.16.0.0/24", 1, "tap");
    assert.deepEqual(first, {
      index: 0,
      tapName: "tap0",
      hostAddress: "172.16.0.1/30",
      guestAddress: "172.16.0.2/30",
      gateway: "172.16.0.1",
      netmask: "255.255.255.252",
      guestMac: "06:00:ac:10:00:02",
      kernelIpArgument: "ip=172.16.0.2::172.16.0.1:255.255.255.252::eth0:off",
    });
  });

  test("each further microVM takes the next /30", () => {
    const plan = planMicroVmAddresses("172.16.0.0/24", 3, "fc-tap");
    assert.deepEqual(
      plan.map((vm) => [vm.tapName, vm.hostAddress, vm.guestAddress, vm.guestMac]),
      [
        ["fc-tap0", "172.16.0.1/30", "172.16.0.2/30", "06:00:ac:10:00:02"],
        ["fc-tap1", "172.16.0.5/30", "172.16.0.6/30", "06:00:ac:10:00:06"],
        ["fc-tap2", "172.16.0.9/30", "172.16.0.10/30", "06:00:ac:10:00:0a"],
      ],
    );
  });

  test("a whole /24 holds 64 microVMs, the last ending at .254", () => {
    assert.equal(capacityOf(24), 64);
    const last = planMicroVmAddresses("10.0.0.0/24", 64, "t").at(-1);
    assert.deepEqual([last?.hostAddress, last?.guestAddress], ["10.0.0.253/30", "10.0.0.254/30"]);
  });

  test("crossing a byte boundary carries into the next octet", () => {
    assert.equal(planMicroVmAddresses("10.0.0.0/23", 65, "t").at(-1)?.guestAddress, "10.0.1.2/30");
  });

  test("refuses what cannot be planned, saying why", () => {
    assert.throws(() => planMicroVmAddresses("172.16.0.0/24", 65, "t"), /holds 64 \/30 subnets, not 65/);
    assert.throws(() => planMicroVmAddresses("172.16.0.0/30", 2, "t"), /holds 1 \/30 subnets/);
    assert.throws(() => planMicroVmAddresses("172.16.0.0/31", 1, "t"), /holds 0/);
    assert.throws(() => planMicroVmAddresses("172.16.0.4/24", 1, "t"), /not a network address: write 172\.16\.0\.0\/24/);
    assert.throws(() => planMicroVmAddresses("fd00::/64", 1, "t"), /not an IPv4 block/);
    assert.throws(() => planMicroVmAddresses("172.16.0.0", 1, "t"), /not an IPv4 block/);
    assert.throws(() => planMicroVmAddresses("172.16.0.0/24", 0, "t"), /at least 1/);
  });
});

describe("program", () => {
  const registrations = installMocks("microvm", "dev");

  test("one tap per microVM with the host address; guest settings and Firecracker's network-interface body as outputs", async () => {
    const guests = microVmNetwork({ count: 2, baseCidr: "172.16.0.0/24", tapPrefix: "fc-tap", owner: "nobody" });
    const second = guests[1];
    assert.ok(second);
    assert.deepEqual(await valueOf(second.firecrackerNetworkInterface), { iface_id: "eth0", guest_mac: "06:00:ac:10:00:06", host_dev_name: "fc-tap1" });
    const taps = registrationsOf(registrations, TYPES.tapInterface);
    assert.deepEqual(
      taps.map((tap) => [tap.name, tap.inputs.name, tap.inputs.addresses, tap.inputs.owner]),
      [
        ["microvm-0", "fc-tap0", ["172.16.0.1/30"], "nobody"],
        ["microvm-1", "fc-tap1", ["172.16.0.5/30"], "nobody"],
      ],
    );
    assert.equal(second.kernelIpArgument, "ip=172.16.0.6::172.16.0.5:255.255.255.252::eth0:off");
  });
});
