// examples/multi-host-lab: the inventory's plan and a host's view of it (pure), for more cases than a run shows.
// The stacks themselves run through the real CLI, one per host in its own network namespace, rolled out by the
// example's rollout program: test/vm/multiHostLab.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_HOSTS, type LabSettings, planInventory } from "../../examples/multi-host-lab/inventory/plan";
import { guestMac, hostView, qemuNetworkArguments } from "../../examples/multi-host-lab/host/view";

const settings: LabSettings = { hosts: DEFAULT_HOSTS, vni: 4242, destinationPort: 4789, labSubnet: "10.77.0.0/24", shareSize: 16 };

describe("the inventory's plan", () => {
  test("each host's share of the lab subnet: its bridge's address, then its guests'", () => {
    const [a] = planInventory(settings).hosts;
    assert.deepEqual({ ...a, guestAddresses: [a?.guestAddresses[0], a?.guestAddresses.at(-1), a?.guestAddresses.length] }, {
      name: "a",
      underlay: "192.0.2.11",
      device: "eth0",
      slot: 1,
      share: "10.77.0.16/28",
      bridgeAddress: "10.77.0.17/24",
      guestAddresses: ["10.77.0.18/24", "10.77.0.30/24", 13],
    });
  });

  test("slot 0 never hands out the subnet's own address, nor the last slot its broadcast address", () => {
    const hosts = planInventory({ ...settings, hosts: [{ name: "first", underlay: "192.0.2.1", slot: 0 }, { name: "last", underlay: "192.0.2.2", slot: 15 }] }).hosts;
    assert.deepEqual(hosts.map((host) => [host.bridgeAddress, host.guestAddresses.at(-1)]), [
      ["10.77.0.1/24", "10.77.0.14/24"],
      ["10.77.0.241/24", "10.77.0.254/24"],
    ]);
  });

  test("a host added or taken out renumbers nobody: a slot is declared, not a position", () => {
    const before = planInventory(settings).hosts;
    const added = planInventory({ ...settings, hosts: [{ name: "d", underlay: "192.0.2.14", slot: 4 }, ...DEFAULT_HOSTS] }).hosts;
    const removed = planInventory({ ...settings, hosts: DEFAULT_HOSTS.filter((host) => host.name !== "a") }).hosts;
    for (const host of before) {
      for (const after of [added, removed]) {
        const same = after.find((candidate) => candidate.name === host.name);
        if (same !== undefined) assert.deepEqual(same, host);
      }
    }
    assert.equal(added[0]?.bridgeAddress, "10.77.0.65/24");
  });

  test("every problem of an inventory at once", () => {
    assert.throws(
      () =>
        planInventory({
          ...settings,
          vni: 0,
          hosts: [
            { name: "a", underlay: "192.0.2.11", slot: 1 },
            { name: "a", underlay: "192.0.2.11", slot: 1 },
            { name: "v6", underlay: "fd00::1", slot: 16 },
            { name: "bad name", underlay: "nowhere", slot: 2 },
          ],
        }),
      (error: Error) => {
        const problems = error.message.split("\n").slice(1).map((line) => line.trim());
        assert.deepEqual(problems, [
          "- vni 0 is not from 1 to 16777215",
          "- name a is listed twice",
          "- underlay 192.0.2.11 is listed twice",
          "- slot 1 is listed twice",
          "- host v6: slot 16 is not from 0 to 15",
          '- host name "bad name" is not a stack name (letters, digits, "_", ".", "-")',
          '- host bad name: underlay "nowhere" is not an IPv4 or IPv6 address',
          "- the underlay addresses mix IPv4 and IPv6: a VXLAN device sends over one family",
        ]);
        return true;
      },
    );
    assert.throws(() => planInventory({ ...settings, labSubnet: "10.77.0.1/24" }), /labSubnet 10.77.0.1\/24 is not an IPv4 subnet/);
    assert.throws(() => planInventory({ ...settings, shareSize: 12 }), /shareSize 12 is not a power of two/);
  });
});

describe("a host's view", () => {
  const plan = planInventory(settings);

  test("its own entry, and every other host's underlay address as a peer", () => {
    const view = hostView(plan, "b");
    assert.equal(view.host.bridgeAddress, "10.77.0.33/24");
    assert.deepEqual(view.peers, ["192.0.2.11", "192.0.2.13"]);
    assert.deepEqual([view.vni, view.destinationPort], [4242, 4789]);
  });

  test("a host the inventory does not list is refused, saying what it lists", () => {
    assert.throws(() => hostView(plan, "d"), /host "d" is not in the inventory \(it lists a, b, c\)/);
  });

  test("guests' MACs are unique across the lab; QEMU gets the overlay's MTU", () => {
    assert.equal(guestMac(2, 0), "52:54:00:1a:02:00");
    assert.notEqual(guestMac(2, 1), guestMac(1, 2));
    assert.equal(
      qemuNetworkArguments("labtap0", "52:54:00:1a:02:00", 1450),
      "-netdev tap,id=net0,ifname=labtap0,script=no,downscript=no -device virtio-net-pci,netdev=net0,mac=52:54:00:1a:02:00,host_mtu=1450",
    );
  });
});
