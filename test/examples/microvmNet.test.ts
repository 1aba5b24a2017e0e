// examples/microvm-net: the /30-per-microVM address plan (pure), for more cases than a run shows. The program
// itself runs through the real CLI: test/cli/programs.test.ts and, with real microVMs, test/vm/microvmNet.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { capacityOf, planMicroVmAddresses } from "../../examples/microvm-net/addressPlan";

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
