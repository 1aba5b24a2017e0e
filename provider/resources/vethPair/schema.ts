// The VethPair inputs: both ends' schema, defaults, cross-field rules and the peer's derived name. Pure; loaded by
// the first check (zod with it), so that a destroy or a refresh does without.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import { type CheckFailure, failuresFromIssues } from "../../model/failures";
import * as fields from "../../model/fields";
import { adoptNeedsExactName, ipv6MtuProblem, ipv6NeedsMinimumMtu, nameUnnamedLink, notItsOwnPort, portOfItself, resourcePartOf } from "../../model/linkRules";
import { deriveInterfaceName, randomInterfaceName } from "../../model/names";
import { containsUnknown } from "../../model/unknown";

const portOf = fields.interfaceName({ allowTemplate: false }).optional();

/** The peer end: the link settings a veth end has, its own name and namespace. */
export const vethPeerSchema = z.strictObject({
  // The kernel would fill in a template, but only the first end is echoed back: the peer's name must be exact.
  name: fields.interfaceName({ allowTemplate: false }).optional(),
  netns: fields.namespaceName.optional(),
  mtu: fields.mtu.optional(),
  macAddress: fields.macAddress.optional(),
  addresses: fields.cidrList.default([]),
  up: z.boolean().default(true),
  txQueueLength: fields.txQueueLength.optional(),
  description: fields.description.optional(),
  bridge: portOf,
});

export const vethPairInputsSchema = z.strictObject({
  ...fields.linkFields,
  bridge: portOf,
  // prefault: an absent peer is parsed as {}, so its defaults (and a derived name) apply.
  peer: vethPeerSchema.prefault({}),
});

export type VethPairInputs = z.output<typeof vethPairInputsSchema>;

/** Two ends in one namespace (the peer's defaults to the first end's) need two names. */
const endsApart: CrossFieldRule<VethPairInputs> = (value, unknown) => {
  const peer = value.peer;
  if (peer === undefined || unknown.has("name") || value.name === undefined || peer.name === undefined) return [];
  if (unknown.has("netns") || value.netns !== (peer.netns ?? value.netns) || value.name !== peer.name) return [];
  return [{ property: "peer.name", reason: `both ends would be named ${value.name} in one network namespace; give the peer another name, or another netns` }];
};

const peerNotItsOwnPort: CrossFieldRule<VethPairInputs> = (value) => portOfItself(value.peer?.name, value.peer?.bridge, "peer.bridge");

const peerIpv6NeedsMinimumMtu: CrossFieldRule<VethPairInputs> = (value) => {
  const peer = value.peer;
  if (peer?.mtu === undefined) return [];
  const problem = ipv6MtuProblem(peer.mtu, peer.addresses);
  return problem === undefined ? [] : [{ property: "peer.mtu", reason: `${problem} (got ${peer.mtu})` }];
};

/**
 * check: validates and normalises both ends, and names what is declared without a name: the first end as every
 * link (see nameUnnamedLink), the peer from the same identity ("veth-…" without one). `olds` are the inputs the
 * previous check returned; a random peer name chosen then is kept.
 */
export function checkVethPair(olds: Properties, news: Properties): CheckOutcome<VethPairInputs> {
  const checked = checkInputs(vethPairInputsSchema, news, [adoptNeedsExactName("veth device"), ipv6NeedsMinimumMtu, peerIpv6NeedsMinimumMtu, endsApart, notItsOwnPort, peerNotItsOwnPort]);
  const outcome = nameUnnamedLink({ ...checked, failures: peerKeysListed(checked.failures) }, olds, "VethPair", "veth");
  if (outcome.unknown.has("peer")) return withKnownPeerFailures(outcome, news.peer);
  const value = outcome.value;
  if (value?.peer !== undefined && value.peer.netns === undefined && value.netns !== undefined) {
    // The peer's namespace defaults to the first end's: made there, and looked for there.
    value.peer.netns = value.netns;
    outcome.inputs.peer = { ...(outcome.inputs.peer as Properties), netns: value.netns };
  }
  if (value?.peer === undefined || value.peer.name !== undefined || outcome.unknown.has("managedBy")) return outcome;
  const identity = value.nameDerivedFrom ?? value.managedBy;
  const oldPeer = olds.peer as Properties | undefined;
  const name =
    identity !== undefined
      ? deriveInterfaceName(resourcePartOf(identity), `VethPairPeer:${identity}`, "veth")
      : typeof oldPeer?.name === "string"
        ? oldPeer.name
        : randomInterfaceName("veth", randomBytes(4).toString("hex"));
  value.peer.name = name;
  outcome.inputs.peer = { ...(outcome.inputs.peer as Properties), name };
  return outcome;
}

/**
 * A peer holding some unknown values (`netns: namespace.name` in a preview) is still checked for what is known,
 * so a malformed peer address fails the preview rather than the update.
 */
function withKnownPeerFailures(outcome: CheckOutcome<VethPairInputs>, peer: unknown): CheckOutcome<VethPairInputs> {
  if (peer === null || typeof peer !== "object" || Array.isArray(peer)) return outcome;
  const known = Object.fromEntries(Object.entries(peer).filter(([, entry]) => !containsUnknown(entry)));
  const parsed = vethPeerSchema.partial().safeParse(known);
  if (parsed.success) return outcome;
  const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ["peer", ...issue.path] }));
  const failures = failuresFromIssues(issues, { peer: known }, []);
  return { ...outcome, failures: peerKeysListed([...outcome.failures, ...failures]), value: undefined, complete: undefined };
}

/** An unknown key inside `peer` is listed against the peer's properties, not the resource's. */
function peerKeysListed(failures: CheckFailure[]): CheckFailure[] {
  const peerKeys = Object.keys(vethPeerSchema.shape).join(", ");
  return failures.map((failure) =>
    failure.property.startsWith("peer.") && failure.reason.startsWith("unknown property")
      ? { ...failure, reason: `${failure.reason.slice(0, failure.reason.indexOf(";"))}; the peer's properties are: ${peerKeys}` }
      : failure,
  );
}
