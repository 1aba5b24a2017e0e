// Masquerade's provider end to end in this file's network namespace, observed with `nft`: one table of its own,
// read back until it converges, drift by hand (a rule deleted, a rule changed) found by a read and repaired by an
// update, changes in place, tables of its name that are not its own refused (or taken back when an interrupted
// create left them), two stacks side by side, another program's forward chain with policy drop reported until its
// rules let the lab through; libvirt's, Docker's and an admin's tables byte for byte as they were throughout, and
// the ruleset exactly as before once everything is deleted.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { before, beforeEach, describe, test } from "node:test";
import { masqueradeProvider as provider, masqueradeTableName } from "pulumi-tuntap";
import { newStamp, type Properties } from "pulumi-tuntap/model";
import { ip } from "../support/ip";
import { FOREIGN, foreignTables, nft, nftFile, ruleHandles, ruleset, table } from "../support/nft";
import { checked, create, type Created, failuresOf, update } from "../support/providers";

const identity = (resource: string, stack = "dev") => `tuntap-tests/${stack}/${resource}`;
const lab = { sources: ["10.0.0.0/24", "fd00:1::/64"], device: "lab0" };

/** The table as nft prints it without handles: what must be the same before drift and after the repair. */
function tableText(name: string): string | undefined {
  return table("inet", name)?.text.replace(/ # handle \d+/g, "");
}

async function deleted(masquerade: Created): Promise<void> {
  await provider.delete?.(masquerade.id, masquerade.outs);
}

before(() => {
  // libvirt's rules name its bridge by index (iif), so the device must exist.
  ip("link", "add", "virbr0", "type", "veth", "peer", "name", "virbr0-peer");
});

beforeEach(() => {
  nft(["flush", "ruleset"]);
  nftFile(FOREIGN);
});

test("create writes one table of its own; delete leaves the ruleset exactly as before, foreign tables byte for byte throughout", async () => {
  const before = ruleset();
  const foreign = foreignTables();
  const masquerade = await create(provider, { ...lab, managedBy: identity("nat") });
  assert.equal(masquerade.id, masqueradeTableName(identity("nat"), undefined, ""));
  assert.match(masquerade.id, /^pulumi-nat-[0-9a-f]{6}$/);
  const { stamp } = masquerade.outs;
  assert.match(String(stamp), /^pulumi:tuntap-tests:dev:nat:[0-9a-f]{8}$/);
  assert.deepEqual(
    { ...masquerade.outs, stamp: "" },
    { ...lab, managedBy: identity("nat"), table: masquerade.id, stamp: "", drift: [], forwardDropChains: [{ family: "inet", table: "filter", chain: "forward" }] },
  );
  const printed = nft(["list", "table", "inet", masquerade.id]);
  assert.ok(printed.includes(`comment "${String(stamp)}"`), printed);
  assert.ok(printed.includes('iifname "lab0" ip saddr 10.0.0.0/24 oifname != "lab0" counter packets 0 bytes 0 accept'), printed);
  assert.ok(printed.includes('ip6 saddr fd00:1::/64 oifname != "lab0" counter packets 0 bytes 0 masquerade'), printed);
  assert.deepEqual(foreignTables(), foreign);

  await deleted(masquerade);
  assert.deepEqual(ruleset(), before);
  await deleted(masquerade); // gone already: success
});

describe("drift by hand", () => {
  const cases: { what: string; drift: (name: string, handles: number[]) => string[]; expected: RegExp }[] = [
    { what: "a rule deleted", drift: (name, [first]) => ["delete", "rule", "inet", name, "forward", "handle", String(first)], expected: /^chain forward: rule "forward 10\.0\.0\.0\/24 from lab0 out of any device but lab0" is missing$/ },
    {
      what: "a rule changed",
      drift: (name, [first]) => ["replace", "rule", "inet", name, "forward", "handle", String(first), "iifname", "lab0", "counter", "drop", "comment", '"forward 10.0.0.0/24 from lab0 out of any device but lab0"'],
      expected: /^chain forward: rule "forward 10\.0\.0\.0\/24 from lab0 out of any device but lab0" was changed: it reads ".*drop" instead of ".*accept"$/,
    },
    { what: "the nat chain flushed", drift: (name) => ["flush", "chain", "inet", name, "postrouting"], expected: /^chain postrouting: rule "masquerade 10\.0\.0\.0\/24 out of any device but lab0" is missing$/ },
  ];
  for (const { what, drift, expected } of cases) {
    test(`${what}: a read finds it, diff asks for an update, the update puts the table back as it was`, async () => {
      const inputs = await checked(provider, { ...lab, managedBy: identity("nat") });
      const masquerade = await create(provider, inputs);
      const right = tableText(masquerade.id);
      const foreign = foreignTables();
      nft(drift(masquerade.id, ruleHandles("inet", masquerade.id, "forward")));

      const read = await provider.read?.(masquerade.id, masquerade.outs);
      const props = read?.props as Properties;
      assert.equal(read?.id, masquerade.id, "still ours: refresh keeps it");
      assert.match((props.drift as string[])[0] ?? "", expected, JSON.stringify(props.drift));
      const diff = await provider.diff?.(masquerade.id, props, inputs);
      assert.deepEqual({ changes: diff?.changes, replaces: diff?.replaces }, { changes: true, replaces: [] }, "an update repairs it");

      const repaired = await provider.update?.(masquerade.id, props, inputs);
      assert.deepEqual((repaired?.outs as Properties).drift, []);
      assert.equal(tableText(masquerade.id), right, "the same table as before the drift");
      assert.deepEqual(foreignTables(), foreign);
      await deleted({ id: masquerade.id, outs: repaired?.outs as Properties });
    });
  }

  test("a table deleted by hand reads as gone (refresh forgets it; up makes it again)", async () => {
    const masquerade = await create(provider, { ...lab, managedBy: identity("nat") });
    nft(["delete", "table", "inet", masquerade.id]);
    assert.deepEqual(await provider.read?.(masquerade.id, masquerade.outs), {});
    const again = await create(provider, { ...lab, managedBy: identity("nat") });
    assert.equal(again.id, masquerade.id);
    await deleted(again);
  });
});

test("changes in place: sources, an uplink, source ports, each the table replaced whole in one transaction", async () => {
  const before = ruleset();
  const foreign = foreignTables();
  const masquerade = await create(provider, { ...lab, managedBy: identity("nat") });
  const outs = await update(provider, masquerade, { sources: ["10.0.0.0/24", "10.9.0.0/16"], device: "lab0", egressDevice: "up0", sourcePorts: { start: 1024, end: 65535 }, managedBy: identity("nat") });
  assert.deepEqual([outs.sources, outs.egressDevice, outs.sourcePorts], [["10.0.0.0/24", "10.9.0.0/16"], "up0", { start: 1024, end: 65535 }]);
  const printed = nft(["list", "table", "inet", masquerade.id]);
  assert.ok(printed.includes('iifname "lab0" ip saddr 10.9.0.0/16 oifname "up0" counter packets 0 bytes 0 accept'), printed);
  assert.ok(printed.includes('iifname "up0" oifname "lab0" ip daddr 10.0.0.0/24 ct state established,related'), printed);
  assert.ok(printed.includes('ip saddr 10.0.0.0/24 oifname "up0" meta l4proto udp counter packets 0 bytes 0 masquerade to :1024-65535'), printed);
  assert.ok(!printed.includes("fd00:1::"), "the IPv6 prefix is gone");
  assert.deepEqual(foreignTables(), foreign);
  await deleted({ id: masquerade.id, outs });
  assert.deepEqual(ruleset(), before);
});

test("the identity renamed (an alias, a renamed stack): the stamp follows in place, the table keeps its name", async () => {
  const masquerade = await create(provider, { ...lab, managedBy: identity("nat") });
  const outs = await update(provider, masquerade, { ...lab, managedBy: identity("nat", "prod") });
  assert.match(String(outs.stamp), /^pulumi:tuntap-tests:prod:nat:[0-9a-f]{8}$/);
  assert.equal(outs.table, masquerade.id);
  assert.ok(nft(["list", "table", "inet", masquerade.id]).includes(`comment "${String(outs.stamp)}"`));
  await deleted({ id: masquerade.id, outs });
});

test("two stacks on one host: a table each for the same lab; deleting one leaves the other byte for byte", async () => {
  const dev = await create(provider, { ...lab, managedBy: identity("nat") });
  const prod = await create(provider, { ...lab, managedBy: identity("nat", "prod") });
  assert.notEqual(dev.id, prod.id);
  const prodTable = table("inet", prod.id);
  await deleted(dev);
  assert.deepEqual(table("inet", prod.id), prodTable);
  assert.equal((await provider.read?.(prod.id, prod.outs))?.id, prod.id);
  await deleted(prod);
});

describe("a table already under this resource's name", () => {
  const name = masqueradeTableName(identity("taken"), undefined, "");

  test("another program's is refused, naming it, and nothing changes", async () => {
    nftFile(`table inet ${name} {\n comment "made by hand"\n chain c {\n  counter\n }\n}\n`);
    const before = ruleset();
    const inputs = await checked(provider, { ...lab, managedBy: identity("taken") });
    await assert.rejects(provider.create(inputs), new RegExp(`table inet ${name}, where this resource keeps its NAT rules, already exists and was not made by pulumi-tuntap \\(its comment is "made by hand"\\); it is left alone\\..*nft delete table inet ${name}.*Nothing was changed\\.$`));
    assert.deepEqual(ruleset(), before);
  });

  test("another stack's is refused, saying whose it is", async () => {
    nft(["add", "table", "inet", name, "{", "comment", `"${newStamp("other/prod/taken")}"`, ";", "}"]);
    const before = ruleset();
    const inputs = await checked(provider, { ...lab, managedBy: identity("taken") });
    await assert.rejects(provider.create(inputs), /already managed by another Pulumi stack or resource \(stamp pulumi:other:prod:taken:[0-9a-f]{8} as its comment.*release it with `nft delete table inet .*` and run `pulumi up` again/);
    assert.deepEqual(ruleset(), before);
  });

  test("one an interrupted create of this very resource left is taken back and written whole", async () => {
    const stamp = newStamp(identity("taken"));
    nft(["add", "table", "inet", name, "{", "comment", `"${stamp}"`, ";", "}"]);
    const masquerade = await create(provider, { ...lab, managedBy: identity("taken") });
    assert.deepEqual([masquerade.id, masquerade.outs.stamp, masquerade.outs.drift], [name, stamp, []]);
    await deleted(masquerade);
    assert.equal(table("inet", name), undefined);
  });
});

describe("another program's forward chain with policy drop", () => {
  test("is reported until its own rules let the lab through, and never changed", async () => {
    const masquerade = await create(provider, { ...lab, managedBy: identity("nat") });
    assert.deepEqual(masquerade.outs.forwardDropChains, [{ family: "inet", table: "filter", chain: "forward" }]);
    const admin = table("inet", "filter");
    // Only the way out: replies would still be dropped.
    nft(["add", "rule", "inet", "filter", "forward", "iifname", "lab0", "accept"]);
    assert.deepEqual(((await provider.read?.(masquerade.id, masquerade.outs))?.props as Properties).forwardDropChains, [{ family: "inet", table: "filter", chain: "forward" }]);
    nft(["add", "rule", "inet", "filter", "forward", "ct", "state", "established,related", "counter", "accept"]);
    assert.deepEqual(((await provider.read?.(masquerade.id, masquerade.outs))?.props as Properties).forwardDropChains, []);
    assert.notDeepEqual(table("inet", "filter"), admin, "the admin changed it");
    await deleted(masquerade);
  });

  test("iptables-nft's FORWARD set to drop (as Docker does) is reported too", async () => {
    nftFile("table ip filter {\n chain FORWARD {\n  type filter hook forward priority filter; policy drop;\n }\n}\n");
    const masquerade = await create(provider, { ...lab, managedBy: identity("nat") });
    assert.deepEqual(masquerade.outs.forwardDropChains, [
      { family: "inet", table: "filter", chain: "forward" },
      { family: "ip", table: "filter", chain: "FORWARD" },
    ]);
    await deleted(masquerade);
  });
});

test("in a named namespace: made there and only there; gone with the namespace", async () => {
  ip("netns", "add", "nat-lab");
  const here = ruleset();
  const masquerade = await create(provider, { ...lab, netns: "nat-lab", managedBy: identity("nat") });
  assert.deepEqual(ruleset(), here, "nothing in this namespace");
  assert.match(nft(["list", "tables"], "nat-lab"), new RegExp(`table inet ${masquerade.id}`));
  ip("netns", "del", "nat-lab");
  assert.deepEqual(await provider.read?.(masquerade.id, masquerade.outs), {}, "refresh forgets it");
  await deleted(masquerade);
});

test("bad input is refused by check, naming the property, and create without check touches nothing", async () => {
  assert.deepEqual(await failuresOf(provider, { sources: ["10.0.0.1/24"], device: "lab0" }), ['sources[0]: "10.0.0.1/24" has host bits set beyond its /24 prefix; the network is 10.0.0.0/24']);
  assert.deepEqual(await failuresOf(provider, { ...lab, egressDevice: "lab0" }), [
    'egressDevice: "lab0" is the lab\'s own device: traffic masqueraded out of the lab would come straight back into it. Name the uplink, or leave egressDevice out for any device but the lab\'s',
  ]);
  assert.deepEqual(await failuresOf(provider, { ...lab, sourcePorts: { start: 2000, end: 1000 } }), ["sourcePorts.end: must be at least start (2000), got 1000"]);
  const before = ruleset();
  await assert.rejects(provider.create({ sources: ["10.0.0.0/33"], device: "lab0" }), /create Masquerade: invalid inputs, nothing was changed:\n {2}- sources\[0\]: /);
  assert.deepEqual(ruleset(), before);
});
