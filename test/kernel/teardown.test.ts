// Batched teardown: deletes that arrive together are removed in one link-group batch, each caller gets its
// own result, and nothing that was not asked for is ever deleted.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTunDevice, LinkTeardown, rtnetlink } from "pulumi-tuntap/kernel";
import { ip, link, linkNames } from "../support/ip";

const netlink = rtnetlink();
const tap = (name: string) => createTunDevice({ name, mode: "tap", multiQueue: false, packetInfo: false, vnetHdr: false }, `create ${name}`);
const indexOf = (name: string) => netlink.getLink(name, "read")?.index ?? -1;

test("several hundred concurrent deletes leave exactly the devices not asked for", async () => {
  const doomed = Array.from({ length: 300 }, (_, i) => `td${i}`);
  const spared = Array.from({ length: 20 }, (_, i) => `ts${i}`);
  for (const name of [...doomed, ...spared]) tap(name);
  ip("link", "add", "tsveth0", "type", "veth", "peer", "name", "tsveth1");
  const teardown = new LinkTeardown(netlink);
  await Promise.all(doomed.map((name) => teardown.delete({ index: indexOf(name), name, context: { operation: `delete ${name}`, step: "" } })));
  const remaining = new Set(linkNames());
  for (const name of doomed) assert.ok(!remaining.has(name), `${name} deleted`);
  for (const name of [...spared, "tsveth0", "tsveth1", "lo"]) assert.ok(remaining.has(name), `${name} kept`);
  assert.equal(teardown.statistics.devices, 300);
  assert.ok(teardown.statistics.batches <= 3, `300 deletes arriving together took ${teardown.statistics.batches} batches`);
});

test("each caller gets its own outcome: a device already gone is success", async () => {
  tap("tg0");
  tap("tg1");
  const gone = indexOf("tg1");
  ip("link", "delete", "tg1");
  const teardown = new LinkTeardown(netlink);
  const results = await Promise.allSettled([
    teardown.delete({ index: indexOf("tg0"), name: "tg0", context: { operation: "delete tg0", step: "" } }),
    teardown.delete({ index: gone, name: "tg1", context: { operation: "delete tg1", step: "" } }),
  ]);
  assert.deepEqual(results.map((result) => result.status), ["fulfilled", "fulfilled"]);
  assert.equal(link("tg0"), undefined);
});

test("a device already in the chosen group stops the group delete: the batch falls back to one by one", async () => {
  // A neighbour moves into the batch's group right after the batch set it (a race nobody wins by chance,
  // staged here by wrapping the batch call): the confirmation must catch it.
  tap("th0");
  tap("th1");
  ip("link", "add", "thveth0", "type", "veth", "peer", "name", "thveth1");
  const teardown = new LinkTeardown(netlink);
  const original = netlink.batch.bind(netlink);
  // After the batch moves th0/th1 into its group, a neighbour joins that group before the group delete.
  netlink.batch = (requests) => {
    const results = original(requests);
    // Only the batch's own "set group" requests are followed by the neighbour's move.
    const group = link("th0")?.group;
    if (group !== undefined) ip("link", "set", "thveth0", "group", group);
    return results;
  };
  try {
    await Promise.all(["th0", "th1"].map((name) => teardown.delete({ index: indexOf(name), name, context: { operation: `delete ${name}`, step: "" } })));
  } finally {
    netlink.batch = original;
  }
  assert.equal(link("th0"), undefined);
  assert.equal(link("th1"), undefined);
  assert.ok(link("thveth0"), "the neighbour that sat in the same group survived");
});

test("a single delete goes out on its own, by ifindex", async () => {
  tap("tone0");
  const teardown = new LinkTeardown(netlink);
  await teardown.delete({ index: indexOf("tone0"), name: "tone0", context: { operation: "delete tone0", step: "" } });
  assert.equal(link("tone0"), undefined);
  assert.equal(teardown.statistics.batches, 1);
});

test("a delete is answered once the device has left the namespace: its name is free for the next create", async () => {
  tap("treuse0");
  const teardown = new LinkTeardown(netlink);
  await teardown.delete({ index: indexOf("treuse0"), name: "treuse0", context: { operation: "delete treuse0", step: "" } });
  assert.equal(link("treuse0"), undefined);
  tap("treuse0");
  assert.ok(link("treuse0"), "created again under the same name");
});

test("a delete the kernel refuses rejects with the kernel's reason", async () => {
  const teardown = new LinkTeardown(netlink);
  await assert.rejects(
    teardown.delete({ index: indexOf("lo"), name: "lo", context: { operation: "delete lo", step: "" } }),
    (error: Error) => error.name !== "NoSuchDeviceError" && /not supported/i.test(error.message),
  );
  assert.ok(link("lo"), "lo is still there");
});
