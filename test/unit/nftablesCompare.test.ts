// The masquerade table's shape, and drift in words: what tableDifferences says for each way a table read back can
// differ from ours. Pure: tables are built in memory as a read would return them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nftables } from "pulumi-tuntap/kernel";

const C = nftables.nftablesConstants;

const ruleset: nftables.MasqueradeRuleset = {
  table: "pulumi-nat-3f9a2c",
  owner: "pulumi:lab:dev:nat:0123abcd",
  device: "lab0",
  sources: [
    { version: 4, network: Buffer.from([10, 0, 0, 0]), length: 24, text: "10.0.0.0/24" },
    { version: 6, network: Buffer.from("fd000001000000000000000000000000", "hex"), length: 60, text: "fd00:1::/60" },
  ],
};

/** The spec as a read returns it: handles added, nothing else changed. */
function asRead(spec: nftables.TableSpec): nftables.TableContents {
  let handle = 1n;
  return {
    table: { family: spec.family, name: spec.name, handle: handle++, flags: 0, use: spec.chains.length, ...(spec.comment === undefined ? {} : { comment: spec.comment }) },
    chains: spec.chains.map((chain) => ({
      family: spec.family,
      table: spec.name,
      name: chain.name,
      handle: handle++,
      ...(chain.base === undefined ? {} : { base: { ...chain.base } }),
      ...(chain.comment === undefined ? {} : { comment: chain.comment }),
      rules: chain.rules.map((rule) => ({ ...rule, family: spec.family, table: spec.name, chain: chain.name, handle: handle++ })),
    })),
  };
}

describe("the masquerade table", () => {
  test("two chains: forward (filter - 1) with out and back-in rules per prefix, postrouting (srcnat) with one masquerade per prefix", () => {
    const spec = nftables.masqueradeTable(ruleset);
    assert.deepEqual(
      spec.chains.map((chain) => [chain.name, chain.base, chain.rules.map((rule) => rule.comment)]),
      [
        [
          "forward",
          { type: "filter", hook: C.NF_INET_FORWARD, priority: -1, policy: C.NF_ACCEPT },
          [
            "forward 10.0.0.0/24 from lab0 out of any device but lab0",
            "forward replies to 10.0.0.0/24 back in from any device but lab0",
            "forward fd00:1::/60 from lab0 out of any device but lab0",
            "forward replies to fd00:1::/60 back in from any device but lab0",
          ],
        ],
        ["postrouting", { type: "nat", hook: C.NF_INET_POST_ROUTING, priority: 100, policy: C.NF_ACCEPT }, ["masquerade 10.0.0.0/24 out of any device but lab0", "masquerade fd00:1::/60 out of any device but lab0"]],
      ],
    );
    assert.equal(spec.comment, ruleset.owner);
  });

  test("a port range makes a tcp and a udp rule before the plain one; an egress device replaces 'any but the lab's'", () => {
    const spec = nftables.masqueradeTable({ ...ruleset, sources: [ruleset.sources[0]!], egressDevice: "up0", sourcePorts: { min: 1024, max: 65535 } });
    assert.deepEqual(spec.chains[1]?.rules.map((rule) => rule.comment), [
      "masquerade 10.0.0.0/24 out of up0, tcp source ports 1024-65535",
      "masquerade 10.0.0.0/24 out of up0, udp source ports 1024-65535",
      "masquerade 10.0.0.0/24 out of up0",
    ]);
    const out = spec.chains[0]?.rules[0]?.expressions.map(nftables.describeExpression) ?? [];
    assert.ok(out.includes(`cmp eq reg 1 0x${Buffer.from("up0").toString("hex")}${"00".repeat(13)}`), out.join("\n"));
    assert.throws(() => nftables.masqueradeTable({ ...ruleset, sources: [] }), /at least one source prefix/);
  });

  test("the longest comment stays within what nft loads again (128 bytes)", () => {
    const longest = nftables.masqueradeTable({
      ...ruleset,
      device: "a".repeat(15),
      sources: [{ version: 6, network: Buffer.from("ffff1111222233334444555566667770", "hex"), length: 124, text: "ffff:1111:2222:3333:4444:5555:6666:7770/124" }],
      sourcePorts: { min: 65535, max: 65535 },
    });
    const lengths = longest.chains.flatMap((chain) => chain.rules.map((rule) => Buffer.byteLength(rule.comment ?? "")));
    assert.ok(Math.max(...lengths) <= 128, String(lengths));
  });
});

describe("drift in words", () => {
  const spec = nftables.masqueradeTable(ruleset);
  const differences = (change: (read: nftables.TableContents) => void): string[] => {
    const read = asRead(spec);
    change(read);
    return nftables.tableDifferences(spec, read);
  };
  const forward = (read: nftables.TableContents) => read.chains[0]!;

  const cases: [string, (read: nftables.TableContents) => void, string[]][] = [
    ["nothing", () => undefined, []],
    ["a rule deleted", (read) => forward(read).rules.splice(1, 1), ['chain forward: rule "forward replies to 10.0.0.0/24 back in from any device but lab0" is missing']],
    [
      "two rules swapped",
      (read) => forward(read).rules.reverse(),
      [
        'chain forward: rule "forward 10.0.0.0/24 from lab0 out of any device but lab0" is at position 4 instead of 1',
        'chain forward: rule "forward replies to 10.0.0.0/24 back in from any device but lab0" is at position 3 instead of 2',
        'chain forward: rule "forward fd00:1::/60 from lab0 out of any device but lab0" is at position 2 instead of 3',
      ],
    ],
    [
      "a verdict changed",
      (read) => {
        const rule = forward(read).rules[0]!;
        rule.expressions = [...rule.expressions.slice(0, -1), { kind: "verdict", code: C.NF_DROP }];
      },
      [/^chain forward: rule "forward 10\.0\.0\.0\/24 from lab0 out of any device but lab0" was changed: it reads ".*; drop" instead of ".*; accept"$/.source],
    ],
    ["a rule added", (read) => forward(read).rules.push({ family: "inet", table: spec.name, chain: "forward", handle: 99n, expressions: [{ kind: "counter" }] }), ['chain forward: an unexpected rule at position 5: "counter"']],
    ["the table dormant", (read) => (read.table.flags = C.NFT_TABLE_F_DORMANT), ["the table is dormant: none of its rules runs"]],
    ["another comment", (read) => (read.table.comment = "someone else's"), ['the table\'s comment is "someone else\'s" instead of "pulumi:lab:dev:nat:0123abcd"']],
    ["a chain gone", (read) => read.chains.splice(1, 1), ["chain postrouting is missing"]],
    ["a chain added", (read) => read.chains.push({ family: "inet", table: spec.name, name: "extra", handle: 98n, rules: [] }), ["an unexpected chain extra"]],
    ["a policy changed", (read) => (forward(read).base!.policy = C.NF_DROP), ["chain forward has policy 0 instead of 1"]],
    ["a priority changed", (read) => (forward(read).base!.priority = 0), ["chain forward has priority 0 instead of -1"]],
  ];
  for (const [what, change, expected] of cases) {
    test(what, () => {
      const found = differences(change);
      assert.equal(found.length, expected.length, found.join("\n"));
      expected.forEach((sentence, index) => (sentence.startsWith("^") ? assert.match(found[index] ?? "", new RegExp(sentence)) : assert.equal(found[index], sentence)));
    });
  }
});
