// NetworkNamespace `check` (bad inputs per property, defaults, derived names) and `diff` (a new name replaces,
// lo's state and the stamp's identity change in place).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type DiffOutcome, UNKNOWN } from "pulumi-tuntap/model";
import { checkBridge, checkNetworkNamespace, diffNetworkNamespace } from "pulumi-tuntap";
import { badInputs } from "../support/badInputs";
import { type AcceptedRow, assertAccepted, assertRejected } from "./support/checkRows";

const DEFAULTS = { loopbackUp: true, adopt: false } as const;

const acceptedRows: AcceptedRow[] = [
  { title: "only a name: lo up, no adopt", inputs: { name: "lab" }, expected: { ...DEFAULTS, name: "lab" } },
  { title: "lo left down, as ip netns add leaves it", inputs: { name: "lab", loopbackUp: false }, expected: { ...DEFAULTS, name: "lab", loopbackUp: false } },
  { title: "adopt with a name", inputs: { name: "lab", adopt: true }, expected: { ...DEFAULTS, name: "lab", adopt: true } },
  { title: "a name with characters interface names cannot hold", inputs: { name: "lab:a.very-long-namespace-name" }, expected: { ...DEFAULTS, name: "lab:a.very-long-namespace-name" } },
  { title: "the __provider key is left out", inputs: { name: "lab", __provider: "serialized" }, expected: { ...DEFAULTS, name: "lab" } },
  {
    title: "no name: derived from the identity, stable",
    inputs: { managedBy: "proj/dev/lab" },
    expected: { ...DEFAULTS, managedBy: "proj/dev/lab", name: "lab-021ba1" },
  },
];

describe("NetworkNamespace check rejects", () => {
  for (const row of badInputs.filter((input) => input.resource === "NetworkNamespace")) {
    test(row.title, () => assertRejected(checkNetworkNamespace({}, row.inputs), row));
  }
});

describe("NetworkNamespace check accepts and normalises", () => {
  for (const row of acceptedRows) test(row.title, () => assertAccepted(checkNetworkNamespace({}, row.inputs), row));

  test("a derived name differs between stacks and between a namespace and a device of one logical name", () => {
    const nameOf = (managedBy: string) => checkNetworkNamespace({}, { managedBy }).inputs.name;
    assert.notEqual(nameOf("proj/dev/lab"), nameOf("proj/prod/lab"));
    assert.notEqual(nameOf("proj/dev/lab"), checkBridge({}, { managedBy: "proj/dev/lab" }).inputs.name);
  });

  test("an unnamed namespace keeps its name when the resource is renamed with an alias", () => {
    const first = checkNetworkNamespace({}, { managedBy: "proj/dev/lab" }).inputs;
    const renamed = checkNetworkNamespace(first, { managedBy: "proj/dev/lab2" }).inputs;
    assert.equal(renamed.name, first.name);
    assert.equal(renamed.nameDerivedFrom, "proj/dev/lab");
  });

  test("an unknown name during a preview stays unknown and passes", () => {
    const outcome = checkNetworkNamespace({}, { name: UNKNOWN, adopt: true });
    assert.deepEqual(outcome.failures, []);
    assert.equal(outcome.inputs.name, UNKNOWN);
  });
});

const STATE = { name: "lab", path: "/run/netns/lab", loopbackUp: true, adopt: false, managedBy: "proj/dev/lab", stamp: "pulumi:proj:dev:lab:0123abcd" };

function diffOf(changes: Record<string, unknown>, olds: Record<string, unknown> = {}): DiffOutcome {
  const outcome = checkNetworkNamespace({}, { name: "lab", managedBy: "proj/dev/lab", ...changes });
  assert.deepEqual(outcome.failures, [], "a diff row must start from inputs that pass check");
  return diffNetworkNamespace("lab", { ...STATE, ...olds }, outcome.inputs);
}

const NO_CHANGE: DiffOutcome = { changes: false, replaces: [], deleteBeforeReplace: false };
const IN_PLACE: DiffOutcome = { changes: true, replaces: [], deleteBeforeReplace: false };

describe("NetworkNamespace diff", () => {
  test("inputs matching the state: no change", () => assert.deepEqual(diffOf({}), NO_CHANGE));
  test("a new name replaces, the new namespace made before the old one goes", () => {
    assert.deepEqual(diffOf({ name: "lab2" }), { changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });
  test("an unknown name may be a new one: replaces", () => assert.deepEqual(diffOf({ name: UNKNOWN }).replaces, ["name"]));
  test("loopbackUp changes in place", () => assert.deepEqual(diffOf({ loopbackUp: false }), IN_PLACE));
  test("lo found down (taken down by hand) is brought back up in place", () => assert.deepEqual(diffOf({}, { loopbackUp: false }), IN_PLACE));
  test("a new identity (stack renamed) restamps in place", () => assert.deepEqual(diffOf({ managedBy: "proj/prod/lab" }), IN_PLACE));
  test("adopt alone changes nothing on the host: no change", () => assert.deepEqual(diffOf({ adopt: true }), NO_CHANGE));
});
