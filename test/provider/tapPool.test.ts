// TapPool's provider called directly, on real devices in a private network namespace, every outcome checked
// with `ip -j`: an update touches only the devices whose key is added, removed or changed (the others are, to
// `ip -j -d link`, exactly as they were), drift is found by a read and repaired by an update, a failure halfway
// is rolled back, a planned name held by another device is refused before anything is touched (or adopted when
// asked), a crashed create is taken back, and a delete leaves nothing — but what is not the pool's.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tapPoolProvider as provider } from "pulumi-tuntap";
import type { Properties } from "pulumi-tuntap/model";
import { cidrs, ip, type IpLink, link, links, namespaceFingerprint } from "../support/ip";
import { checked, create, type Created, update } from "../support/providers";

const managedBy = "tuntap-tests/dev/fc";

/** `count` devices fc<prefix><i> under keys vm-<i>, each with its own address. */
function plan(prefix: string, count: number, extra: (index: number) => Record<string, unknown> = () => ({})): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, index) => [`vm-${index}`, { name: `${prefix}${index}`, owner: 1000, addresses: [`10.${prefix.length}.${index}.1/24`], ...extra(index) }]),
  );
}

/** The devices as `ip -j -d link` shows them, by name. */
function detailed(netns?: string): Map<string, IpLink> {
  const args = netns === undefined ? ["-j", "-d", "link", "show"] : ["-n", netns, "-j", "-d", "link", "show"];
  return new Map((JSON.parse(ip(...args)) as IpLink[]).map((entry) => [entry.ifname, entry]));
}

function devicesOf(outs: Properties): Record<string, Record<string, unknown>> {
  return outs.devices as Record<string, Record<string, unknown>>;
}

async function updated(current: Created, news: Properties): Promise<Created> {
  return { id: current.id, outs: await update(provider, current, news) };
}

describe("create", () => {
  test("every planned device, as planned, stamped for its key, reported by key", async () => {
    const pool = await create(provider, { devices: plan("ca", 3), template: { mtu: 1400, vnetHdr: true }, managedBy });
    assert.equal(pool.id, "fc");
    const devices = devicesOf(pool.outs);
    assert.deepEqual(Object.keys(devices), ["vm-0", "vm-1", "vm-2"]);
    for (const index of [0, 1, 2]) {
      const seen = link(`ca${index}`);
      assert.ok(seen, `ip sees ca${index}`);
      assert.equal(seen.linkinfo?.info_data?.type, "tap");
      assert.equal(seen.linkinfo?.info_data?.vnet_hdr, true);
      assert.equal(seen.mtu, 1400);
      assert.ok(seen.flags.includes("UP"));
      assert.deepEqual(cidrs(`ca${index}`), [`10.2.${index}.1/24`]);
      assert.deepEqual(seen.altnames, [`pulumi:tuntap-tests:dev:fc:vm-${index}:${String(pool.outs.stamp).split(":").pop()}`]);
      assert.equal(devices[`vm-${index}`]?.ifindex, seen.ifindex);
      assert.equal(devices[`vm-${index}`]?.owner, 1000);
      assert.equal(devices[`vm-${index}`]?.macAddress, seen.address);
    }
    assert.match(String(pool.outs.stamp), /^pulumi:tuntap-tests:dev:fc:[0-9a-f]{8}$/);
    await provider.delete?.(pool.id, pool.outs);
    assert.deepEqual(links().filter((entry) => entry.ifname.startsWith("ca")), []);
  });

  test("a planned name held by a device that is not the pool's is refused before anything is touched", async () => {
    ip("link", "add", "cb1", "type", "veth", "peer", "name", "cb1p");
    ip("tuntap", "add", "dev", "cb2", "mode", "tap");
    const before = namespaceFingerprint();
    const inputs = await checked(provider, { devices: plan("cb", 4), managedBy });
    await assert.rejects(provider.create(inputs), (error: Error) => {
      assert.match(error.message, /2 planned device\(s\) cannot be placed/);
      assert.match(error.message, /device vm-1: .*a veth device named cb1 already exists/);
      assert.match(error.message, /device vm-2: .*a tap device named cb2 already exists .*adopt: true/);
      return true;
    });
    assert.equal(namespaceFingerprint(), before, "nothing was made or changed");

    // adopt takes the unstamped tap, never the veth.
    const adopting = await checked(provider, { devices: plan("cb", 4), managedBy, adopt: true });
    await assert.rejects(provider.create(adopting), /cannot adopt cb1: it is a veth device, not a TUN\/TAP device/);
    assert.equal(namespaceFingerprint(), before);
    ip("link", "del", "cb1");
    const index = link("cb2")?.ifindex;
    const pool = await create(provider, { devices: plan("cb", 4), managedBy, adopt: true });
    assert.equal(link("cb2")?.ifindex, index, "the tap was adopted, not remade");
    assert.equal(link("cb2")?.altnames?.length, 1);
    await provider.delete?.(pool.id, pool.outs);
    assert.equal(link("cb2"), undefined, "an adopted device is deleted with the pool");
  });

  test("a create that never got recorded (the provider was killed) is taken back, not doubled", async () => {
    const first = await create(provider, { devices: plan("cc", 2), managedBy });
    const indexes = [link("cc0")?.ifindex, link("cc1")?.ifindex];
    // The engine never heard of `first`: the next up creates the pool again.
    const second = await create(provider, { devices: plan("cc", 3), managedBy });
    assert.deepEqual([link("cc0")?.ifindex, link("cc1")?.ifindex], indexes);
    assert.notEqual(second.outs.stamp, first.outs.stamp);
    assert.deepEqual(link("cc0")?.altnames, [`pulumi:tuntap-tests:dev:fc:vm-0:${String(second.outs.stamp).split(":").pop()}`], "restamped for the new generation");
    await provider.delete?.(second.id, second.outs);
    assert.deepEqual(links().filter((entry) => entry.ifname.startsWith("cc")), []);
  });
});

describe("update: only the devices that change are touched", () => {
  test("grow 3 → 5, shrink 5 → 2: the devices that stay are exactly as they were", async () => {
    let pool = await create(provider, { devices: plan("ua", 3), template: { mtu: 1400 }, managedBy });
    const before = detailed();
    pool = await updated(pool, { devices: plan("ua", 5), template: { mtu: 1400 }, managedBy });
    const grown = detailed();
    for (const index of [0, 1, 2]) assert.deepEqual(grown.get(`ua${index}`), before.get(`ua${index}`), `ua${index} untouched by growth`);
    for (const index of [3, 4]) assert.equal(grown.get(`ua${index}`)?.mtu, 1400);
    assert.deepEqual(Object.keys(devicesOf(pool.outs)), ["vm-0", "vm-1", "vm-2", "vm-3", "vm-4"]);

    pool = await updated(pool, { devices: plan("ua", 2), template: { mtu: 1400 }, managedBy });
    const shrunk = detailed();
    for (const index of [0, 1]) assert.deepEqual(shrunk.get(`ua${index}`), before.get(`ua${index}`), `ua${index} untouched by shrink`);
    for (const index of [2, 3, 4]) assert.equal(shrunk.get(`ua${index}`), undefined, `ua${index} deleted`);
    assert.deepEqual(Object.keys(devicesOf(pool.outs)), ["vm-0", "vm-1"]);
    await provider.delete?.(pool.id, pool.outs);
  });

  test("one device's change, a rename in place, a key changed under the same name, a new identity", async () => {
    let pool = await create(provider, { devices: plan("ub", 3), managedBy });
    const before = detailed();
    pool = await updated(pool, { devices: plan("ub", 3, (index) => (index === 1 ? { mtu: 9000, description: "vm 1" } : {})), managedBy });
    let after = detailed();
    assert.equal(after.get("ub1")?.mtu, 9000);
    assert.equal(after.get("ub1")?.ifindex, before.get("ub1")?.ifindex);
    for (const name of ["ub0", "ub2"]) assert.deepEqual(after.get(name), before.get(name));

    pool = await updated(pool, { devices: plan("ub", 3, (index) => (index === 2 ? { name: "renamed2" } : index === 1 ? { mtu: 9000, description: "vm 1" } : {})), managedBy });
    after = detailed();
    assert.equal(after.get("renamed2")?.ifindex, before.get("ub2")?.ifindex, "renamed in place");
    assert.equal(after.get("ub2"), undefined);

    // vm-0 leaves and new-0 arrives with ub0's name: the device changes keys, it is not remade.
    const rekeyed = { ...plan("ub", 3, (index) => (index === 2 ? { name: "renamed2" } : index === 1 ? { mtu: 9000, description: "vm 1" } : {})) };
    rekeyed["new-0"] = rekeyed["vm-0"] as Record<string, unknown>;
    delete rekeyed["vm-0"];
    pool = await updated(pool, { devices: rekeyed, managedBy });
    const nonce = String(pool.outs.stamp).split(":").pop();
    assert.equal(link("ub0")?.ifindex, before.get("ub0")?.ifindex);
    assert.deepEqual(link("ub0")?.altnames, [`pulumi:tuntap-tests:dev:fc:new-0:${nonce}`]);

    // The pool renamed with an alias: its devices are stamped anew, in place.
    pool = await updated(pool, { devices: rekeyed, managedBy: "tuntap-tests/dev/renamed" });
    assert.deepEqual(link("ub0")?.altnames, [`pulumi:tuntap-tests:dev:renamed:new-0:${nonce}`]);
    assert.equal(link("ub0")?.ifindex, before.get("ub0")?.ifindex);
    await provider.delete?.(pool.id, pool.outs);
    assert.deepEqual(links().filter((entry) => entry.ifname.startsWith("ub") || entry.ifname === "renamed2"), []);
  });

  test("drift: a device deleted by hand and one changed by hand are found by a read and repaired by an update", async () => {
    const pool = await create(provider, { devices: plan("ud", 4), template: { mtu: 1400 }, managedBy });
    const inputs = await checked(provider, { devices: plan("ud", 4), template: { mtu: 1400 }, managedBy });
    ip("link", "del", "ud1");
    ip("link", "set", "ud2", "mtu", "1300");
    const read = await provider.read?.(pool.id, pool.outs);
    const found = read?.props as Properties;
    assert.deepEqual(Object.keys(devicesOf(found)), ["vm-0", "vm-2", "vm-3"], "the read reports vm-1 missing");
    assert.equal(devicesOf(found)["vm-2"]?.mtu, 1300);
    const diff = await provider.diff?.(pool.id, found, inputs);
    assert.equal(diff?.changes, true, "and the diff plans the repair");
    const untouched = detailed();
    const repaired = await provider.update?.(pool.id, found, inputs);
    const after = detailed();
    assert.equal(after.get("ud1")?.mtu, 1400, "ud1 made again");
    assert.equal(after.get("ud2")?.mtu, 1400, "ud2 set back");
    for (const name of ["ud0", "ud3"]) assert.deepEqual(after.get(name), untouched.get(name));
    assert.equal((await provider.diff?.(pool.id, repaired?.outs as Properties, inputs))?.changes, false);
    await provider.delete?.(pool.id, repaired?.outs as Properties);
  });

  test("an update that fails halfway is rolled back: devices made are gone, settings changed are back", async () => {
    ip("netns", "add", "noipv6");
    ip("-n", "noipv6", "link", "set", "lo", "up");
    ip("netns", "exec", "noipv6", "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    const pool = await create(provider, { devices: plan("uf", 2), template: { mtu: 1400 }, netns: "noipv6", managedBy });
    const before = detailed("noipv6");
    // The fourth device's IPv6 address is refused by the kernel, after the third device was made and both
    // existing ones had their MTU raised.
    const inputs = await checked(provider, {
      devices: plan("uf", 4, (index) => (index === 3 ? { addresses: ["10.2.3.1/24", "fd00:9::1/64"] } : {})),
      template: { mtu: 1500 },
      netns: "noipv6",
      managedBy,
    });
    await assert.rejects(provider.update?.(pool.id, pool.outs, inputs) ?? Promise.resolve(), (error: Error) => {
      assert.match(error.message, /update pool fc, device vm-3: .*add address fd00:9::1\/64/);
      assert.match(error.message, /Rolled back: .*create uf2.*set mtu 1500/);
      return true;
    });
    assert.deepEqual(detailed("noipv6"), before, "the namespace is as it was");
    await provider.delete?.(pool.id, pool.outs);
    assert.deepEqual(links("noipv6").filter((entry) => entry.ifname !== "lo"), []);
  });
});

describe("delete", () => {
  test("every device of the pool leaves together; a device no longer stamped as the pool's stays", async () => {
    const pool = await create(provider, { devices: plan("da", 5), managedBy });
    const stamp = link("da4")?.altnames?.[0] ?? "";
    ip("link", "property", "del", "dev", "da4", "altname", stamp);
    await provider.delete?.(pool.id, pool.outs);
    assert.deepEqual(
      links()
        .filter((entry) => entry.ifname.startsWith("da"))
        .map((entry) => entry.ifname),
      ["da4"],
    );
    ip("link", "del", "da4");
    // A pool whose devices are all gone already deletes as a success.
    await provider.delete?.(pool.id, pool.outs);
  });
});
