// Refusals that must read as one clear sentence saying why and what to do, and touch nothing: a `bridge` that
// names a device of another kind, a `netns` that names a plain file, a name that is another device's altname.
// Also inputs as stack config gives them (owner "1000") and the kernel's limit on txQueueLength. Checked with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, test } from "node:test";
import { bridgeProvider, tapInterfaceProvider as provider } from "pulumi-tuntap";
import { ip, link, namespaceFingerprint } from "../support/ip";
import { checked, create, failuresOf, update } from "../support/providers";

const managedBy = "tuntap-tests/dev/messages";

/** The create's error message; the namespace must be byte-for-byte as before. */
async function refusedCreate(target: typeof provider, news: Record<string, unknown>): Promise<string> {
  const inputs = await checked(target, news);
  const before = namespaceFingerprint();
  const message = await target.create(inputs).then(
    () => assert.fail("the create was not refused"),
    (error: Error) => error.message,
  );
  assert.equal(namespaceFingerprint(), before, "nothing was changed");
  return message;
}

describe("a bridge input that names another kind of device", () => {
  test("a veth: one sentence, and no device made and removed again", async () => {
    ip("link", "add", "notbr0", "type", "veth", "peer", "name", "notbr1");
    const message = await refusedCreate(provider, { name: "port0", bridge: "notbr0", managedBy });
    assert.equal(message, "create port0: invalid inputs, nothing was changed:\n  - bridge: notbr0 is a veth device, not a bridge; name a bridge (a Bridge resource's name output)");
  });

  test("a tap is called a tap", async () => {
    ip("tuntap", "add", "dev", "othertap0", "mode", "tap");
    const message = await refusedCreate(provider, { name: "port1", bridge: "othertap0", managedBy });
    assert.match(message, /- bridge: othertap0 is a tap device, not a bridge; /);
    assert.doesNotMatch(message, /tun device|removed again/);
  });
});

describe("a netns that names a plain file", () => {
  test("the error says what is in the way and what to do", async () => {
    writeFileSync("/run/netns/plainfile", "not a namespace\n");
    const message = await refusedCreate(provider, { name: "nsfile0", netns: "plainfile", managedBy });
    assert.match(message, /setns\(\/run\/netns\/plainfile\): EINVAL \(invalid argument\)\. \/run\/netns\/plainfile is not a network namespace .*`ip netns add plainfile` makes one there once that file is moved away/);
  });
});

describe("a name that is another device's alternative name", () => {
  ip("link", "add", "holder0", "type", "veth", "peer", "name", "holder1");
  ip("link", "property", "add", "dev", "holder0", "altname", "taken-alt");
  const expected = /create taken-alt: taken-alt is an alternative name \(altname\) of a veth device, holder0; names and altnames share one namespace, so no device can be created or adopted under it\. Choose another name, or remove that altname \(`ip link property del dev holder0 altname taken-alt`\)\. Nothing was changed\./;

  for (const adopt of [false, true]) {
    test(`a TapInterface${adopt ? " with adopt: true" : ""} is refused, never sent to adopt`, async () => {
      const message = await refusedCreate(provider, { name: "taken-alt", adopt, managedBy });
      assert.match(message, expected);
      assert.doesNotMatch(message, /set `adopt: true`/);
    });

    test(`a Bridge${adopt ? " with adopt: true" : ""} is refused the same way`, async () => {
      const message = await refusedCreate(bridgeProvider, { name: "taken-alt", adopt, managedBy });
      assert.match(message, expected);
    });
  }
});

describe("inputs as stack config gives them", () => {
  test('owner and group as digit strings ("4000001", as `pulumi config set` gives them) are ids', async () => {
    // Ids no account on a test host has: ip then prints the numbers rather than names.
    const tap = await create(provider, { name: "cfg0", owner: "4000001", group: "4000002", managedBy });
    assert.equal(tap.outs.owner, 4000001);
    assert.equal(tap.outs.group, 4000002);
    const data = link("cfg0")?.linkinfo?.info_data;
    assert.equal(String(data?.user), "4000001");
    assert.equal(String(data?.group), "4000002");
  });
});

describe("txQueueLength", () => {
  test("the longest queue check accepts is one the kernel applies to a running tap", async () => {
    const tap = await create(provider, { name: "txq0", up: true, managedBy });
    await update(provider, tap, { name: "txq0", up: true, txQueueLength: 524288, managedBy });
    assert.equal(link("txq0")?.txqlen, 524288);
  });

  test("one more is refused by check, saying why", async () => {
    assert.deepEqual(await failuresOf(provider, { name: "txq1", txQueueLength: 524289, managedBy }), [
      "txQueueLength: must be at most 524288, got 524289: the kernel's default queue (pfifo_fast) cannot hold more packets and refuses a longer one on a running device (ENOMEM)",
    ]);
  });
});
