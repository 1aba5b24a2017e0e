// Real packets through our masquerade table. This test's namespace plays the host: a lab veth to an "inside"
// namespace (the guest, 10.0.0.2 and fd00:1::2) and an uplink veth to an "outside" namespace holding documentation
// addresses (203.0.113.1, 2001:db8::1) with no route back to the lab. A ping from inside reaches outside, and
// tcpdump there sees it arrive from the uplink's address, only while our table is in place — and not at all
// when another table's forward chain has policy drop, which no accept of ours can overrule.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { nftables, writeForwarding } from "pulumi-tuntap/kernel";
import { parseCidr } from "pulumi-tuntap/model";
import { ip } from "../support/ip";
import { nft, nftFile, ruleset } from "../support/nft";
import { captureEchoRequest, ping as pingFrom } from "../support/packets";

const OPERATION = "packet test";
const NAME = "pulumi-nat-packets";

const FAMILIES = {
  4: { guest: "10.0.0.2", lab: "10.0.0.0/24", uplink: "203.0.113.2", outside: "203.0.113.1" },
  6: { guest: "fd00:1::2", lab: "fd00:1::/64", uplink: "2001:db8::2", outside: "2001:db8::1" },
} as const;

function prefix(text: string): nftables.MasqueradeSource {
  const parsed = parseCidr(text);
  assert.ok(typeof parsed !== "string");
  return { version: parsed.family, network: parsed.bytes, length: parsed.prefixLength, text };
}

before(() => {
  for (const namespace of ["inside", "outside"]) {
    ip("netns", "add", namespace);
    ip("-n", namespace, "link", "set", "lo", "up");
  }
  ip("link", "add", "lab0", "type", "veth", "peer", "name", "guest", "netns", "inside");
  ip("link", "add", "uplink0", "type", "veth", "peer", "name", "world", "netns", "outside");
  const steps: string[][] = [
    ["address", "add", "10.0.0.1/24", "dev", "lab0"],
    ["address", "add", "fd00:1::1/64", "dev", "lab0", "nodad"],
    ["address", "add", "203.0.113.2/24", "dev", "uplink0"],
    ["address", "add", "2001:db8::2/64", "dev", "uplink0", "nodad"],
    ["link", "set", "lab0", "up"],
    ["link", "set", "uplink0", "up"],
    ["-n", "inside", "address", "add", "10.0.0.2/24", "dev", "guest"],
    ["-n", "inside", "address", "add", "fd00:1::2/64", "dev", "guest", "nodad"],
    ["-n", "inside", "link", "set", "guest", "up"],
    ["-n", "inside", "route", "add", "default", "via", "10.0.0.1"],
    ["-n", "inside", "route", "add", "default", "via", "fd00:1::1"],
    ["-n", "outside", "address", "add", "203.0.113.1/24", "dev", "world"],
    ["-n", "outside", "address", "add", "2001:db8::1/64", "dev", "world", "nodad"],
    ["-n", "outside", "link", "set", "world", "up"],
  ];
  for (const step of steps) ip(...step);
  // This namespace is the test's own: it routes between the lab and the uplink.
  writeForwarding(undefined, { version: 4 }, 1, OPERATION);
  writeForwarding(undefined, { version: 6 }, 1, OPERATION);
});

function createTable(): void {
  const spec = nftables.masqueradeTable({ table: NAME, owner: "pulumi:lab:dev:nat:0123abcd", device: "lab0", sources: [prefix(FAMILIES[4].lab), prefix(FAMILIES[6].lab)] });
  nftables.withNftables(undefined, OPERATION, (client) => client.createTable(spec, undefined, OPERATION));
}

function deleteTable(): void {
  nftables.withNftables(undefined, OPERATION, (client) => {
    const { generation, contents } = client.readTable("inet", NAME, OPERATION);
    assert.ok(contents);
    client.deleteTable({ family: "inet", name: NAME, handle: contents.table.handle }, generation, OPERATION);
  });
}

function ping(version: 4 | 6, seconds: number): boolean {
  return pingFrom("inside", version, FAMILIES[version].outside, seconds);
}

describe("a guest's ping leaves through the uplink's address", () => {
  for (const version of [4, 6] as const) {
    test(`IPv${version}`, async () => {
      nft(["flush", "ruleset"]);
      assert.equal(ping(version, 2), false, "without masquerade, the outside has no way back to the lab");
      createTable();
      const capture = await captureEchoRequest("outside", "world", version);
      let line: string;
      try {
        assert.equal(ping(version, 10), true, "with our table, the guest's ping is answered");
        line = await capture.printed;
      } finally {
        capture.stop();
      }
      assert.match(line, new RegExp(`IP6? ${FAMILIES[version].uplink.replaceAll(".", "\\.")} > ${FAMILIES[version].outside.replaceAll(".", "\\.")}: ICMP6?,? echo request`, "i"), line);
      assert.ok(!line.includes(FAMILIES[version].guest), `the outside never sees the guest's address: ${line}`);
      deleteTable();
      assert.equal(ping(version, 2), false, "gone with the table");
    });
  }
});

test("another table's forward policy drop wins over our accept: the design note's point, shown", () => {
  nft(["flush", "ruleset"]);
  nftFile("table inet filter {\n chain forward {\n  type filter hook forward priority filter; policy drop;\n }\n}\n");
  createTable();
  const before = ruleset();
  assert.equal(ping(4, 2), false, "dropped by the admin's chain after ours accepted it");
  const counters = nft(["list", "chain", "inet", NAME, "forward"]);
  assert.match(counters, /ip saddr 10\.0\.0\.0\/24 oifname != "lab0" counter packets [1-9]/, "our counter shows the packet arrived and was accepted here");
  nft(["add", "rule", "inet", "filter", "forward", "iifname", "lab0", "accept"]);
  nft(["add", "rule", "inet", "filter", "forward", "oifname", "lab0", "ct", "state", "established,related", "accept"]);
  assert.equal(ping(4, 10), true, "the admin's own accepts, in the admin's chain, let it through");
  assert.notDeepEqual(ruleset(), before);
});
