// Our nf_tables tables against the real kernel, observed with `nft`: created, read back, repaired after drift by
// hand and deleted, each in one transaction; other programs' tables (made the way libvirt, Docker and an admin
// make theirs) left byte for byte as they were; a refused change leaves the ruleset exactly as before.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { readlinkSync } from "node:fs";
import { before, beforeEach, describe, test } from "node:test";
import { KernelError, nftables } from "pulumi-tuntap/kernel";
import { parseCidr } from "pulumi-tuntap/model";
import { ip } from "../support/ip";
import { FOREIGN, foreignTables, nft, nftFile, nftStatus, ruleHandles, ruleset, table } from "../support/nft";

const OPERATION = "kernel test";
const OWNER = "pulumi:lab:dev:nat:0123abcd";
const NAME = "pulumi-nat-3f9a2c";

function source(text: string): nftables.MasqueradeSource {
  const parsed = parseCidr(text);
  assert.ok(typeof parsed !== "string", text);
  return { version: parsed.family, network: parsed.bytes, length: parsed.prefixLength, text };
}

function masquerade(more: Partial<nftables.MasqueradeRuleset> = {}): nftables.TableSpec {
  return nftables.masqueradeTable({ table: NAME, owner: OWNER, device: "lab0", sources: [source("10.0.0.0/24"), source("fd00:1::/60")], ...more });
}

function read(name = NAME, netns?: string): nftables.TableSnapshot {
  return nftables.withNftables(netns, OPERATION, (client) => client.readTable("inet", name, OPERATION));
}

function contents(name = NAME): nftables.TableContents {
  const { contents } = read(name);
  assert.ok(contents, `table inet ${name} exists`);
  return contents;
}

function create(spec: nftables.TableSpec, netns?: string): void {
  nftables.withNftables(netns, OPERATION, (client) => client.createTable(spec, undefined, OPERATION));
}

function replace(spec: nftables.TableSpec): void {
  const snapshot = read(spec.name);
  assert.ok(snapshot.contents);
  nftables.withNftables(undefined, OPERATION, (client) => client.replaceTable({ handle: snapshot.contents!.table.handle, generation: snapshot.generation }, spec, OPERATION));
}

function remove(name = NAME, netns?: string): void {
  const snapshot = read(name, netns);
  assert.ok(snapshot.contents);
  const { family, handle } = snapshot.contents.table;
  nftables.withNftables(netns, OPERATION, (client) => client.deleteTable({ family, name, handle }, snapshot.generation, OPERATION));
}

beforeEach(() => {
  nft(["flush", "ruleset"]);
});

before(() => {
  // libvirt's rules name its bridge by index (iif), so the device must exist.
  ip("link", "add", "virbr0", "type", "veth", "peer", "name", "virbr0-peer");
});

describe("create, read back, delete", () => {
  test("nft prints our table as plain nft syntax, comments included", () => {
    create(masquerade({ sourcePorts: { min: 1024, max: 65535 } }));
    const printed = nft(["list", "table", "inet", NAME]);
    for (const line of [
      `comment "${OWNER}"`,
      "type filter hook forward priority filter - 1; policy accept;",
      'iifname "lab0" ip saddr 10.0.0.0/24 oifname != "lab0" counter packets 0 bytes 0 accept comment "forward 10.0.0.0/24 from lab0 out of any device but lab0"',
      'iifname != "lab0" oifname "lab0" ip6 daddr fd00:1::/60 ct state established,related counter packets 0 bytes 0 accept comment "forward replies to fd00:1::/60 back in from any device but lab0"',
      "type nat hook postrouting priority srcnat; policy accept;",
      'ip saddr 10.0.0.0/24 oifname != "lab0" meta l4proto tcp counter packets 0 bytes 0 masquerade to :1024-65535 comment "masquerade 10.0.0.0/24 out of any device but lab0, tcp source ports 1024-65535"',
      'ip6 saddr fd00:1::/60 oifname != "lab0" counter packets 0 bytes 0 masquerade comment "masquerade fd00:1::/60 out of any device but lab0"',
    ]) {
      assert.ok(printed.includes(line), `nft list table shows:\n${line}\nin:\n${printed}`);
    }
  });

  test("the table reads back exactly as written: comment, chains, every rule", () => {
    const spec = masquerade({ egressDevice: "up0" });
    create(spec);
    const read = contents();
    assert.equal(read.table.comment, OWNER);
    assert.deepEqual(
      read.chains.map((chain) => [chain.name, chain.base, chain.rules.length]),
      [
        ["forward", { type: "filter", hook: 2, priority: -1, policy: 1 }, 4],
        ["postrouting", { type: "nat", hook: 4, priority: 100, policy: 1 }, 2],
      ],
    );
    assert.deepEqual(nftables.tableDifferences(spec, read), []);
  });

  test("delete leaves the ruleset exactly as before, foreign tables and all", () => {
    nftFile(FOREIGN);
    const before = ruleset();
    create(masquerade());
    assert.notDeepEqual(ruleset(), before);
    remove();
    assert.deepEqual(ruleset(), before);
  });

  test("a table in a named namespace is made there, and only there", () => {
    ip("netns", "add", "nat-ns");
    const here = readlinkSync("/proc/thread-self/ns/net");
    const hostBefore = ruleset();
    create(masquerade(), "nat-ns");
    assert.equal(readlinkSync("/proc/thread-self/ns/net"), here, "this thread came back");
    assert.match(nft(["list", "tables"], "nat-ns"), new RegExp(`table inet ${NAME}`));
    assert.deepEqual(ruleset(), hostBefore, "nothing here");
    assert.equal(read(NAME, "nat-ns").contents?.table.comment, OWNER);
    remove(NAME, "nat-ns");
    assert.equal(nft(["list", "tables"], "nat-ns"), "");
  });
});

describe("foreign tables are never touched", () => {
  test("create, replace, read and delete leave libvirt's, Docker's and the admin's tables byte for byte", () => {
    ip("link", "set", "virbr0", "up");
    nftFile(FOREIGN);
    const foreign = foreignTables();
    assert.ok(foreign.libvirt && foreign.docker && foreign.admin);
    create(masquerade());
    assert.deepEqual(foreignTables(), foreign);
    replace(masquerade({ egressDevice: "up0", sourcePorts: { min: 1024, max: 65535 } }));
    assert.deepEqual(foreignTables(), foreign);
    read();
    remove();
    assert.deepEqual(foreignTables(), foreign);
  });

  test("a table of another program under our name is refused, not taken", () => {
    nftFile(`table inet ${NAME} {\n comment "someone else's"\n chain c {\n  counter\n }\n}\n`);
    const before = ruleset();
    assert.throws(() => create(masquerade()), (error: unknown) => {
      assert.ok(error instanceof nftables.TableExistsError);
      assert.match(error.message, new RegExp(`create table inet ${NAME}: EEXIST .*it is not ours, so it is left alone`));
      return true;
    });
    assert.deepEqual(ruleset(), before);
    assert.equal(contents().table.comment, "someone else's", "the read tells theirs from ours");
  });

  test("two stacks' tables live side by side; deleting one leaves the other", () => {
    create(masquerade());
    const other = nftables.masqueradeTable({ table: "pulumi-nat-other", owner: "pulumi:lab:prod:nat:89abcdef", device: "lab1", sources: [source("10.1.0.0/24")] });
    const beforeOther = ruleset();
    create(other);
    const both = table("inet", NAME);
    remove("pulumi-nat-other");
    assert.deepEqual(ruleset(), beforeOther);
    assert.deepEqual(table("inet", NAME), both);
  });

  test("the admin's forward chain with policy drop is found, with its priority", () => {
    nftFile(FOREIGN);
    create(masquerade());
    const drops = nftables
      .withNftables(undefined, OPERATION, (client) => nftables.forwardDropChains(client, OPERATION))
      .map((chain) => `${chain.family} ${chain.table} ${chain.name} ${chain.base?.priority}`);
    assert.deepEqual(drops, ["inet filter forward 0"]);
  });
});

describe("drift by hand is seen by a read, and replace repairs it", () => {
  const cases: { what: string; drift: (handles: number[]) => string[][]; expected: RegExp[] }[] = [
    { what: "a rule deleted", drift: ([first]) => [["delete", "rule", "inet", NAME, "forward", "handle", String(first)]], expected: [/^chain forward: rule "forward 10\.0\.0\.0\/24 from lab0 out of any device but lab0" is missing$/] },
    {
      what: "a rule changed (same comment, another verdict)",
      drift: ([first]) => [["replace", "rule", "inet", NAME, "forward", "handle", String(first), "iifname", "lab0", "ip", "saddr", "10.0.0.0/24", "counter", "drop", "comment", '"forward 10.0.0.0/24 from lab0 out of any device but lab0"']],
      expected: [/^chain forward: rule "forward 10\.0\.0\.0\/24 from lab0 out of any device but lab0" was changed: it reads ".*drop.*" instead of ".*accept.*"$/],
    },
    { what: "a rule added", drift: () => [["add", "rule", "inet", NAME, "forward", "counter", "drop"]], expected: [/^chain forward: an unexpected rule at position 5: "counter; drop"$/] },
    { what: "the table made dormant", drift: () => [["add", "table", "inet", NAME, "{", "flags", "dormant", ";", "}"]], expected: [/^the table is dormant: none of its rules runs$/] },
    { what: "the nat chain flushed", drift: () => [["flush", "chain", "inet", NAME, "postrouting"]], expected: [/postrouting: rule "masquerade 10\.0\.0\.0\/24 .*" is missing/, /postrouting: rule "masquerade fd00:1::\/60 .*" is missing/] },
  ];
  for (const { what, drift, expected } of cases) {
    test(what, () => {
      nftFile(FOREIGN);
      const spec = masquerade();
      create(spec);
      const foreign = foreignTables();
      const rulesetRight = table("inet", NAME)?.text.replace(/ # handle \d+/g, "");
      for (const args of drift(ruleHandles("inet", NAME, "forward"))) nft(args);
      const differences = nftables.tableDifferences(spec, contents());
      assert.equal(differences.length, expected.length, differences.join("\n"));
      expected.forEach((pattern, index) => assert.match(differences[index] ?? "", pattern));
      replace(spec);
      assert.deepEqual(nftables.tableDifferences(spec, contents()), []);
      assert.equal(table("inet", NAME)?.text.replace(/ # handle \d+/g, ""), rulesetRight, "the same table as before the drift");
      assert.deepEqual(foreignTables(), foreign);
    });
  }
});

describe("all or nothing", () => {
  /** A spec whose last rule the kernel refuses: a jump to a chain that does not exist (ENOENT). */
  function failingAtTheEnd(spec: nftables.TableSpec): nftables.TableSpec {
    const [forward, ...others] = spec.chains;
    assert.ok(forward);
    return { ...spec, chains: [{ ...forward, rules: [...forward.rules, { expressions: [{ kind: "verdict", code: -3, chain: "no-such-chain" }], comment: "refused" }] }, ...others] };
  }

  test("a create refused halfway leaves nothing behind", () => {
    nftFile(FOREIGN);
    const before = ruleset();
    assert.throws(() => create(failingAtTheEnd(masquerade())), (error: unknown) => {
      assert.ok(error instanceof KernelError);
      assert.match(error.message, new RegExp(`create rule inet ${NAME} forward #5 "refused": ENOENT`));
      return true;
    });
    assert.deepEqual(ruleset(), before);
  });

  test("a replace refused halfway leaves the old table, handles and all", () => {
    nftFile(FOREIGN);
    create(masquerade());
    const before = ruleset();
    assert.throws(() => replace(failingAtTheEnd(masquerade({ egressDevice: "up0" }))), KernelError);
    assert.deepEqual(ruleset(), before);
  });

  test("a change computed from a stale read is refused whole (the ruleset changed meanwhile)", () => {
    create(masquerade());
    const snapshot = read();
    assert.ok(snapshot.contents);
    nft(["add", "table", "ip", "meanwhile"]);
    const before = ruleset();
    assert.throws(
      () => nftables.withNftables(undefined, OPERATION, (client) => client.replaceTable({ handle: snapshot.contents!.table.handle, generation: snapshot.generation }, masquerade({ egressDevice: "up0" }), OPERATION)),
      (error: unknown) => {
        assert.ok(error instanceof nftables.RulesetChangedError);
        assert.match(error.message, /commit: ERESTART \(interrupted system call should be restarted\)\. The nftables ruleset changed.*nothing was changed/);
        return true;
      },
    );
    assert.deepEqual(ruleset(), before);
  });

  test("a table deleted and made again by someone else under our name is not the one deleted", () => {
    create(masquerade());
    const snapshot = read();
    assert.ok(snapshot.contents);
    nft(["delete", "table", "inet", NAME]);
    nftFile(`table inet ${NAME} { comment "the admin's now"; }`);
    const before = ruleset();
    assert.throws(
      () => nftables.withNftables(undefined, OPERATION, (client) => client.deleteTable({ family: "inet", name: NAME, handle: snapshot.contents!.table.handle }, undefined, OPERATION)),
      nftables.NoSuchTableError,
    );
    assert.deepEqual(ruleset(), before);
  });

  test("nft's own check accepts what we wrote: the listed ruleset loads again unchanged", () => {
    create(masquerade({ sourcePorts: { min: 1024, max: 65535 } }));
    const listed = nft(["list", "ruleset"]);
    nft(["flush", "ruleset"]);
    nftFile(listed);
    assert.equal(nft(["list", "ruleset"]), listed);
    assert.deepEqual(nftables.tableDifferences(masquerade({ sourcePorts: { min: 1024, max: 65535 } }), contents()), []);
    assert.equal(nftStatus(["list", "table", "inet", NAME]).status, 0);
  });
});

describe("claims on forwarding switches", () => {
  test("a claim is a table without base chains, one chain per sysctl; every stack's claims are listed, nothing else is", () => {
    nftFile(FOREIGN);
    // Text only: reloading the listed ruleset below gives every table a new handle.
    const before = ruleset().text;
    const mine = nftables.forwardingClaimTable({ table: "pulumi-fwd-3f9a2c", owner: "pulumi:lab:dev:fwd:0123abcd", switches: [{ name: "net.ipv4.ip_forward", found: 0 }, { name: "net.ipv4.conf.lab0.forwarding", found: 1 }] });
    const theirs = nftables.forwardingClaimTable({ table: "pulumi-fwd-9e8d7c", owner: "pulumi:other:prod:fwd:89abcdef", switches: [{ name: "net.ipv6.conf.all.forwarding", found: 0 }] });
    create(mine);
    create(theirs);
    create(masquerade());
    const printed = nft(["list", "table", "inet", "pulumi-fwd-3f9a2c"]);
    assert.match(printed, /chain net\.ipv4\.ip_forward \{\n\t\tcomment "found 0"\n\t\}/);
    const claims = nftables.withNftables(undefined, OPERATION, (client) => nftables.listForwardingClaims(client, OPERATION));
    assert.deepEqual(claims, [
      { table: "pulumi-fwd-3f9a2c", owner: "pulumi:lab:dev:fwd:0123abcd", switches: [{ name: "net.ipv4.ip_forward", found: 0 }, { name: "net.ipv4.conf.lab0.forwarding", found: 1 }] },
      { table: "pulumi-fwd-9e8d7c", owner: "pulumi:other:prod:fwd:89abcdef", switches: [{ name: "net.ipv6.conf.all.forwarding", found: 0 }] },
    ]);
    const listed = nft(["list", "ruleset"]);
    nft(["flush", "ruleset"]);
    nftFile(listed);
    assert.equal(nft(["list", "ruleset"]), listed, "nft loads the claims it listed");
    for (const name of ["pulumi-fwd-3f9a2c", "pulumi-fwd-9e8d7c", NAME]) remove(name);
    assert.equal(ruleset().text, before);
    assert.throws(() => nftables.forwardingClaimTable({ table: "x", owner: "pulumi:x", switches: [{ name: "net.ipv4.tcp_syncookies", found: 0 }] }), /not a forwarding sysctl/);
  });
});
