// TapPool's model and diff, without a kernel: check per device with property paths, what only a pool can get
// wrong (one name, MAC or address on two devices), each device as the TapInterface spec it is made from, and
// the diff key by key — which changes touch which devices, and which replace the pool.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkTapPool, deviceSpec, diffTapPool, planPool, type TapPoolInputs } from "pulumi-tuntap";
import { UNKNOWN } from "pulumi-tuntap/model";

const MANAGED_BY = "lab/dev/fc";

function plan(count: number, extra: (index: number) => Record<string, unknown> = () => ({})): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, index) => [`vm-${index}`, { name: `fc${index}`, owner: 1000, addresses: [`10.0.${index}.1/24`], ...extra(index) }]),
  );
}

function failuresOf(inputs: Record<string, unknown>): string[] {
  return checkTapPool({}, { managedBy: MANAGED_BY, ...inputs }).failures.map((failure) => `${failure.property}: ${failure.reason}`);
}

function complete(inputs: Record<string, unknown>): TapPoolInputs {
  const outcome = checkTapPool({}, { managedBy: MANAGED_BY, ...inputs });
  assert.deepEqual(outcome.failures, []);
  assert.ok(outcome.complete);
  return outcome.complete;
}

describe("check", () => {
  test("a plan comes back normalised, the template's defaults filled, the devices as given", () => {
    const outcome = checkTapPool({}, { managedBy: MANAGED_BY, devices: { "vm-0": { name: "fc0", macAddress: "06:00:AC:10:00:02", addresses: ["172.16.0.1/30"] } } });
    assert.deepEqual(outcome.failures, []);
    assert.deepEqual(outcome.inputs, {
      template: { mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false, up: true, promiscuous: false },
      devices: { "vm-0": { name: "fc0", macAddress: "06:00:ac:10:00:02", addresses: ["172.16.0.1/30"] } },
      adopt: false,
      managedBy: MANAGED_BY,
    });
    assert.deepEqual([...outcome.defaulted].sort(), ["adopt", "template"]);
  });

  test("a device's failure names its key and property", () => {
    assert.deepEqual(failuresOf({ devices: { "vm-0": { name: "fc0", addresses: ["10.0.0.1/33"] } } }), [
      'devices.vm-0.addresses[0]: "10.0.0.1/33" has a prefix length outside 0–32 (IPv4) or 0–128 (IPv6)',
    ]);
    const [mtu] = failuresOf({ devices: { "vm-0": { name: "fc0", mtu: 70000 } } });
    assert.match(mtu ?? "", /^devices\.vm-0\.mtu: must be at most 65535/);
    const [name] = failuresOf({ devices: { "vm-0": { name: "a-very-long-device-name" } } });
    assert.match(name ?? "", /^devices\.vm-0\.name: /);
    const [missing] = failuresOf({ devices: { "vm-0": { owner: 1000 } } });
    assert.match(missing ?? "", /^devices\.vm-0\.name: /);
    const [unknownKey] = failuresOf({ devices: { "vm-0": { name: "fc0", colour: "blue" } } });
    assert.match(unknownKey ?? "", /^devices\.vm-0\.colour: unknown property "colour"/);
  });

  test("a key outside letters, digits, _ and - is refused by name", () => {
    assert.deepEqual(failuresOf({ devices: { "vm.1": { name: "fc1" } } }), ['devices.vm.1: a device key is 1 to 63 letters, digits, "_" or "-", got "vm.1"']);
  });

  test("two devices never share a name, a MAC address or an IP address", () => {
    assert.deepEqual(
      failuresOf({
        devices: {
          a: { name: "fc0", macAddress: "06:00:00:00:00:01", addresses: ["10.0.0.1/24"] },
          b: { name: "fc0", macAddress: "06:00:00:00:00:01", addresses: ["10.0.0.1/16"] },
        },
      }),
      [
        "devices.b.name: the name fc0 is also devices.a's; two devices of a pool never share one",
        "devices.b.macAddress: the MAC address 06:00:00:00:00:01 is also devices.a's; two devices of a pool never share one",
        "devices.b.addresses[0]: the address 10.0.0.1 is also devices.a's; two devices of a pool never share one",
      ],
    );
  });

  test("each device's MTU fits the mode, IPv6 needs 1280, a tun has no MAC and joins no bridge", () => {
    assert.deepEqual(failuresOf({ template: { mtu: 65535 }, devices: plan(1) }), ["template.mtu: a tap device's MTU must be between 68 and 65521, got 65535"]);
    assert.deepEqual(failuresOf({ template: { mtu: 1200 }, devices: { a: { name: "fc0", addresses: ["fd00::1/64"] } } }), [
      "devices.a.addresses: IPv6 address fd00::1/64 needs an MTU of at least 1280; the kernel turns IPv6 off on links with a smaller MTU (its MTU is 1200)",
    ]);
    const tun = failuresOf({ template: { mode: "tun" }, devices: { a: { name: "fc0", macAddress: "06:00:00:00:00:01", bridge: "br0" } } });
    assert.equal(tun.length, 2);
    assert.match(tun[0] ?? "", /^devices\.a\.macAddress: a tun device carries IP packets/);
    assert.match(tun[1] ?? "", /^devices\.a\.bridge: a tun device carries IP packets/);
  });

  test("10,000 devices are checked", () => {
    const outcome = checkTapPool({}, { managedBy: MANAGED_BY, devices: plan(10000, (index) => ({ addresses: [`10.${index >> 8}.${index & 255}.1/24`] })) });
    assert.deepEqual(outcome.failures, []);
    assert.equal(Object.keys(outcome.complete?.devices ?? {}).length, 10000);
  });
});

describe("each device as a TapInterface spec", () => {
  test("the template under the device's own entry, the pool's namespace, the device's own identity", () => {
    const pool = complete({ template: { mtu: 1400, owner: 1000, bridge: "br0", vnetHdr: true }, devices: { a: { name: "fc0", mtu: 9000, owner: "qemu" } }, netns: "vms" });
    assert.deepEqual(deviceSpec(pool, "a", pool.devices.a!), {
      name: "fc0",
      mode: "tap",
      multiQueue: false,
      packetInfo: false,
      vnetHdr: true,
      addresses: [],
      up: true,
      promiscuous: false,
      adopt: false,
      owner: "qemu",
      mtu: 9000,
      bridge: "br0",
      netns: "vms",
      managedBy: `${MANAGED_BY}/a`,
    });
  });
});

/** The pool's outputs for a plan, as create would report it. */
function stateOf(pool: TapPoolInputs): Record<string, unknown> {
  const devices = Object.fromEntries(
    Object.entries(pool.devices).map(([key, device], index) => [
      key,
      {
        name: device.name,
        ifindex: 10 + index,
        mtu: device.mtu ?? pool.template.mtu ?? 1500,
        macAddress: device.macAddress ?? `06:00:00:00:00:${(10 + index).toString(16)}`,
        addresses: device.addresses ?? [],
        up: true,
        promiscuous: false,
        txQueueLength: 1000,
        ...(typeof device.owner === "number" ? { owner: device.owner } : {}),
      },
    ]),
  );
  return { mode: pool.template.mode, multiQueue: false, packetInfo: false, vnetHdr: false, devices, adopt: false, managedBy: MANAGED_BY, stamp: "pulumi:lab:dev:fc:0123abcd" };
}

const numeric = (device: { owner?: unknown; group?: unknown }) => ({
  ...(typeof device.owner === "number" ? { owner: device.owner } : {}),
  ...(typeof device.group === "number" ? { group: device.group } : {}),
});

describe("diff and plan, key by key", () => {
  const before = complete({ template: { mtu: 1400 }, devices: plan(5) });
  const olds = stateOf(before);

  test("nothing changed is no change", () => {
    assert.deepEqual(diffTapPool(olds, { devices: plan(5), template: { mtu: 1400 }, managedBy: MANAGED_BY }, numeric), { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("growth adds only the new keys, shrink removes only the removed keys", () => {
    assert.deepEqual(planPool(olds, complete({ template: { mtu: 1400 }, devices: plan(7) }), numeric), { added: ["vm-5", "vm-6"], removed: [], changed: [] });
    const { "vm-1": _one, "vm-3": _three, ...rest } = plan(5);
    assert.deepEqual(planPool(olds, complete({ template: { mtu: 1400 }, devices: rest }), numeric), { added: [], removed: ["vm-1", "vm-3"], changed: [] });
    assert.deepEqual(diffTapPool(olds, { devices: rest, template: { mtu: 1400 }, managedBy: MANAGED_BY }, numeric), { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("a device's own change touches that device; a template change every device that does not override it", () => {
    const oneChanged = plan(5, (index) => (index === 2 ? { addresses: ["10.0.2.9/24"] } : {}));
    assert.deepEqual(planPool(olds, complete({ template: { mtu: 1400 }, devices: oneChanged }), numeric).changed, ["vm-2"]);
    const renamed = plan(5, (index) => (index === 4 ? { name: "other4" } : {}));
    assert.deepEqual(planPool(olds, complete({ template: { mtu: 1400 }, devices: renamed }), numeric).changed, ["vm-4"], "a name changes in place");
    const overriding = plan(5, (index) => (index === 0 ? { mtu: 1400 } : {}));
    assert.deepEqual(planPool(olds, complete({ template: { mtu: 9000 }, devices: overriding }), numeric).changed, ["vm-1", "vm-2", "vm-3", "vm-4"]);
  });

  test("an owner is compared as this host resolves it", () => {
    const named = plan(5, (index) => (index === 0 ? { owner: "qemu" } : {}));
    const resolve = (device: { owner?: unknown }) => ({ owner: device.owner === "qemu" ? 1000 : Number(device.owner) });
    assert.deepEqual(planPool(olds, complete({ template: { mtu: 1400 }, devices: named }), resolve).changed, []);
  });

  test("a device found missing (refresh) or changed by hand is planned back", () => {
    const drifted = structuredClone(olds) as { devices: Record<string, Record<string, unknown>> };
    delete drifted.devices["vm-1"];
    (drifted.devices["vm-3"] as Record<string, unknown>).mtu = 9000;
    assert.deepEqual(planPool(drifted, before, numeric), { added: ["vm-1"], removed: [], changed: ["vm-3"] });
  });

  test("mode, queue type and namespace replace the pool, its devices' names being reused", () => {
    for (const [inputs, property] of [
      [{ template: { mtu: 1400, mode: "tun" } }, "template.mode"],
      [{ template: { mtu: 1400, multiQueue: true } }, "template.multiQueue"],
      [{ template: { mtu: 1400 }, netns: "vms" }, "netns"],
    ] as const) {
      assert.deepEqual(diffTapPool(olds, { devices: plan(5), managedBy: MANAGED_BY, ...inputs }, numeric), { changes: true, replaces: [property], deleteBeforeReplace: true });
    }
  });

  test("an unknown plan (a preview) may change anything; a new identity (an alias) stamps the devices anew in place", () => {
    assert.deepEqual(diffTapPool(olds, { devices: UNKNOWN, managedBy: MANAGED_BY }, numeric), { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(diffTapPool(olds, { devices: plan(5), template: { mtu: 1400 }, managedBy: "lab/dev/renamed" }, numeric), { changes: true, replaces: [], deleteBeforeReplace: false });
  });
});
