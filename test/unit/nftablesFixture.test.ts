// Tables, chains and rules *nft* made (captured by fixtures/captureNftables.ts), decoded without privilege: our
// builders write exactly what nft writes for the same statements, and our decoder reads the kernel's dumps,
// comments included.
import assert from "node:assert/strict";
import { test } from "node:test";
import { nftables } from "pulumi-tuntap/kernel";
import { loadNftablesFixture, RULES } from "./fixtures/nftablesFormat";

const fixture = loadNftablesFixture();
const hex = (text: string) => Buffer.from(text, "hex");

test("the table: name, family, no flags, and the comment nft wrote into its user data", () => {
  assert.equal(fixture.tablesHex.length, 1);
  const table = nftables.decodeTable(hex(fixture.tablesHex[0] ?? ""));
  assert.deepEqual({ ...table, handle: typeof table.handle }, { family: "inet", name: "captured", handle: "bigint", flags: 0, use: 2, comment: "pulumi:lab:dev:nat:0123abcd" });
});

test("the chains: base chains with type, hook, priority (filter - 1 is -1) and policy; a chain comment", () => {
  const chains = fixture.chainsHex.map((payload) => nftables.decodeChain(hex(payload)));
  assert.deepEqual(
    chains.map(({ name, base, comment }) => ({ name, base, comment })),
    [
      { name: "forward", base: { type: "filter", hook: 2, priority: -1, policy: 1 }, comment: "the lab's forwarding" },
      { name: "postrouting", base: { type: "nat", hook: 4, priority: 100, policy: 1 }, comment: undefined },
    ],
  );
});

test("every rule nft made decodes to exactly the expressions our builders make for the same statement", () => {
  const rules = fixture.rulesHex.map((payload) => nftables.decodeRule(hex(payload)));
  assert.deepEqual(
    rules.map((rule) => [rule.chain, rule.comment]),
    RULES.map((rule) => [rule.chain, rule.name]),
  );
  for (const [index, expected] of RULES.entries()) {
    const decoded = rules[index];
    assert.ok(decoded);
    assert.deepEqual(decoded.expressions.map(nftables.describeExpression), expected.expressions().map(nftables.describeExpression), `${expected.statement}`);
    assert.deepEqual(decoded.expressions, expected.expressions(), expected.statement);
  }
});
