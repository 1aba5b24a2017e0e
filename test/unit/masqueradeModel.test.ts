// Masquerade model: per-property refusals before anything is touched (prefixes, families, devices, ports),
// normalisation, the table's name, and the diff's split between updates in place and a replacement.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkMasquerade, diffMasquerade, forwardDropWarning, masqueradeTableName } from "pulumi-tuntap";
import { type Properties, UNKNOWN } from "pulumi-tuntap/model";
import { type AcceptedRow, assertAccepted, assertRejected, type RejectedRow } from "./support/checkRows";

const lab = { sources: ["10.0.0.0/24"], device: "lab0" };

describe("Masquerade check: bad input, one failure per property", () => {
  const rows: RejectedRow[] = [
    { title: "no sources", inputs: { device: "lab0" }, property: "sources", reason: /^expected a list, got nothing$/ },
    { title: "an empty list", inputs: { ...lab, sources: [] }, property: "sources", reason: /^name at least one prefix of the lab/ },
    { title: "not a prefix", inputs: { ...lab, sources: ["10.0.0.0"] }, property: "sources[0]", reason: /^"10\.0\.0\.0" is not a prefix like "10\.0\.0\.0\/24"/ },
    { title: "a bad address", inputs: { ...lab, sources: ["10.0.0.300/24"] }, property: "sources[0]", reason: /does not start with an IPv4 or IPv6 address/ },
    { title: "a prefix too long", inputs: { ...lab, sources: ["fd00::/129"] }, property: "sources[0]", reason: /prefix length outside 0–32 \(IPv4\) or 0–128 \(IPv6\)/ },
    { title: "host bits set", inputs: { ...lab, sources: ["10.0.0.1/24"] }, property: "sources[0]", reason: /^"10\.0\.0\.1\/24" has host bits set beyond its \/24 prefix; the network is 10\.0\.0\.0\/24$/ },
    { title: "IPv6 host bits", inputs: { ...lab, sources: ["fd00:1::1/64"] }, property: "sources[0]", reason: /the network is fd00:1::\/64$/ },
    { title: "every address", inputs: { ...lab, sources: ["0.0.0.0/0"] }, property: "sources[0]", reason: /is every IPv4 address: name the lab's own prefix/ },
    { title: "families mixed in one prefix: IPv4-mapped IPv6", inputs: { ...lab, sources: ["::ffff:10.0.0.0/120"] }, property: "sources[0]", reason: /IPv4-mapped IPv6 prefix.*write the IPv4 prefix, 10\.0\.0\.0\/24$/ },
    { title: "loopback", inputs: { ...lab, sources: ["127.0.0.0/8"] }, property: "sources[0]", reason: /loopback traffic never leaves the host/ },
    { title: "IPv6 link-local", inputs: { ...lab, sources: ["fe80::/64"] }, property: "sources[0]", reason: /link-local traffic is never forwarded/ },
    { title: "multicast", inputs: { ...lab, sources: ["239.1.0.0/16"] }, property: "sources[0]", reason: /no packet comes from a multicast address/ },
    { title: "a prefix twice, spelt two ways", inputs: { ...lab, sources: ["fd00:1::/64", "FD00:0001:0::/64"] }, property: "sources[1]", reason: /^fd00:1::\/64 repeats sources\[0\] fd00:1::\/64$/ },
    { title: "a prefix inside another", inputs: { ...lab, sources: ["10.0.0.128/25", "10.0.0.0/24"] }, property: "sources[0]", reason: /^10\.0\.0\.128\/25 lies within sources\[1\] 10\.0\.0\.0\/24$/ },
    { title: "no device", inputs: { sources: ["10.0.0.0/24"] }, property: "device", reason: /^expected a string, got nothing$/ },
    { title: "a device name too long", inputs: { ...lab, device: "a-very-long-bridge" }, property: "device", reason: /is 18 bytes long; Linux interface names hold at most 15 bytes/ },
    { title: "a device template", inputs: { ...lab, device: "br%d" }, property: "device", reason: /a template is not allowed here/ },
    { title: "a bad egress device", inputs: { ...lab, egressDevice: "eth 0" }, property: "egressDevice", reason: /contains white space/ },
    { title: "the lab as its own egress", inputs: { ...lab, egressDevice: "lab0" }, property: "egressDevice", reason: /^"lab0" is the lab's own device: traffic masqueraded out of the lab would come straight back into it/ },
    { title: "port 0", inputs: { ...lab, sourcePorts: { start: 0, end: 65535 } }, property: "sourcePorts.start", reason: /^must be at least 1, got 0$/ },
    { title: "a port above 65535", inputs: { ...lab, sourcePorts: { start: 1024, end: 65536 } }, property: "sourcePorts.end", reason: /^must be at most 65535, got 65536$/ },
    { title: "a range backwards", inputs: { ...lab, sourcePorts: { start: 2000, end: 1024 } }, property: "sourcePorts.end", reason: /^must be at least start \(2000\), got 1024$/ },
    { title: "a fractional port", inputs: { ...lab, sourcePorts: { start: 1024.5, end: 2000 } }, property: "sourcePorts.start", reason: /expected a whole number/ },
    { title: "a bad netns", inputs: { ...lab, netns: "a/b" }, property: "netns", reason: /contains "\/"/ },
    { title: "an unknown property", inputs: { ...lab, uplink: "eth0" }, property: "uplink", reason: /^unknown property "uplink"; the properties are: sources, device, egressDevice, sourcePorts, netns, managedBy$/ },
  ];
  for (const row of rows) test(row.title, () => assertRejected(checkMasquerade({}, row.inputs), row));
});

test("a port range spelt another way names what is missing", () => {
  const failures = checkMasquerade({}, { ...lab, sourcePorts: { from: 1024, to: 65535 } }).failures.map((failure) => `${failure.property}: ${failure.reason}`);
  assert.deepEqual(failures, ["sourcePorts.start: expected a number, got nothing", "sourcePorts.end: expected a number, got nothing"]);
  const extra = checkMasquerade({}, { ...lab, sourcePorts: { start: 1024, end: 65535, protocol: "tcp" } }).failures.map((failure) => `${failure.property}: ${failure.reason}`);
  assert.deepEqual(extra, ['sourcePorts.protocol: unknown property "protocol"; a port range has start and end']);
});

describe("Masquerade check: normalisation", () => {
  const rows: AcceptedRow[] = [
    { title: "one IPv4 prefix, any device but the lab's", inputs: lab, expected: lab },
    {
      title: "prefixes in canonical text and one order (IPv4 first), so reordering is no change",
      inputs: { sources: ["FD00:1:0::/64", "10.1.0.0/24", "10.0.0.0/24"], device: "br-lab", egressDevice: "eth0", sourcePorts: { start: 1024, end: 65535 }, netns: "router" },
      expected: { sources: ["10.0.0.0/24", "10.1.0.0/24", "fd00:1::/64"], device: "br-lab", egressDevice: "eth0", sourcePorts: { start: 1024, end: 65535 }, netns: "router" },
    },
    { title: "a single port", inputs: { ...lab, sourcePorts: { start: 4000, end: 4000 } }, expected: { ...lab, sourcePorts: { start: 4000, end: 4000 } } },
  ];
  for (const row of rows) test(row.title, () => assertAccepted(checkMasquerade({}, row.inputs), row));

  test("a device not known yet (preview) is checked later; the known prefixes are checked now", () => {
    const outcome = checkMasquerade({}, { sources: ["10.0.0.0/24", UNKNOWN], device: UNKNOWN, egressDevice: "lab0" });
    assert.deepEqual(outcome.failures, []);
    assert.equal(outcome.complete, undefined);
    const bad = checkMasquerade({}, { sources: ["10.0.0.1/24", UNKNOWN], device: UNKNOWN });
    assert.deepEqual(bad.failures.map((failure) => failure.property), ["sources[0]"]);
  });
});

describe("the table's name", () => {
  test("derived from the identity, stable, prefixed pulumi-; without one, the previous name or a random one", () => {
    const name = masqueradeTableName("lab/dev/nat", undefined, "00000000");
    assert.match(name, /^pulumi-nat-[0-9a-f]{6}$/);
    assert.equal(masqueradeTableName("lab/dev/nat", "pulumi-old", "00000000"), name);
    assert.notEqual(masqueradeTableName("lab/prod/nat", undefined, "00000000"), name, "two stacks, two tables");
    assert.equal(masqueradeTableName(undefined, "pulumi-old", "abcdef12"), "pulumi-old");
    assert.equal(masqueradeTableName(undefined, undefined, "abcdef12"), "pulumi-nat-abcdef");
  });
});

describe("Masquerade diff: the table is swapped whole in place; only another namespace replaces it", () => {
  const olds: Properties = { ...lab, sources: ["10.0.0.0/24", "fd00:1::/64"], egressDevice: "eth0", table: "pulumi-nat-3f9a2c", drift: [] };
  const rows: [string, Properties, { replaces: string[]; changes: boolean }][] = [
    ["nothing", { ...lab, sources: ["fd00:1::/64", "10.0.0.0/24"], egressDevice: "eth0" }, { replaces: [], changes: false }],
    ["a prefix added", { ...lab, sources: ["10.0.0.0/24", "fd00:1::/64", "10.1.0.0/24"], egressDevice: "eth0" }, { replaces: [], changes: true }],
    ["another uplink", { ...lab, sources: ["10.0.0.0/24", "fd00:1::/64"], egressDevice: "eth1" }, { replaces: [], changes: true }],
    ["any device but the lab's", { ...lab, sources: ["10.0.0.0/24", "fd00:1::/64"] }, { replaces: [], changes: true }],
    ["a port range", { ...lab, sources: ["10.0.0.0/24", "fd00:1::/64"], egressDevice: "eth0", sourcePorts: { start: 1024, end: 65535 } }, { replaces: [], changes: true }],
    ["another namespace", { ...lab, sources: ["10.0.0.0/24", "fd00:1::/64"], egressDevice: "eth0", netns: "router" }, { replaces: ["netns"], changes: true }],
    ["sources not known yet", { ...lab, sources: [UNKNOWN], egressDevice: "eth0" }, { replaces: [], changes: true }],
  ];
  for (const [what, news, expected] of rows) {
    test(what, () => {
      const outcome = diffMasquerade(olds, news);
      assert.deepEqual({ replaces: outcome.replaces, changes: outcome.changes }, expected);
      assert.equal(outcome.deleteBeforeReplace, false);
    });
  }

  test("drift found by a refresh is a change, which the update repairs", () => {
    const drifted = { ...olds, drift: ['chain forward: rule "forward 10.0.0.0/24 from lab0 out of eth0" is missing'] };
    assert.deepEqual(diffMasquerade(drifted, { ...lab, sources: ["10.0.0.0/24", "fd00:1::/64"], egressDevice: "eth0" }), { changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("the warning for another program's forward chain with policy drop", () => {
  test("none without such chains", () => assert.equal(forwardDropWarning("lab0", []), undefined));

  test("names each chain and the two rules to add there, in nft's words or iptables'", () => {
    const warning = forwardDropWarning("lab0", [
      { family: "inet", table: "filter", chain: "forward" },
      { family: "ip", table: "filter", chain: "FORWARD" },
    ]);
    assert.match(warning ?? "", /^traffic forwarded from lab0 is accepted in this Masquerade's table, but the forward chains inet filter forward, ip filter FORWARD of another program have policy drop and will still drop it: an accept in one nftables table does not get a packet past another table's drop\./);
    assert.ok(warning?.includes('`nft insert rule inet filter forward iifname "lab0" accept` and `nft insert rule inet filter forward oifname "lab0" ct state established,related accept`'), warning);
    assert.ok(warning?.includes("`iptables -I FORWARD -i lab0 -j ACCEPT` and `iptables -I FORWARD -o lab0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT` (on a Docker host, the same with -I DOCKER-USER)"), warning);
  });
});
