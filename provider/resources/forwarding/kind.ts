// Forwarding as a kind: IP forwarding switches raised in one network namespace, each claimed where every stack
// and the admin can see it (an nf_tables table per resource with no base chain, one empty chain per switch whose
// comment records the value found before any stack raised it: see the kernel's forwardingClaims.ts), and on delete
// lowered again only when this stack raised it and no other claim remains. What is left on, and why, is said
// among the stack's diagnostics (notices.ts): a delete returns nothing else.
//
// The claim is made before any switch is raised (a create killed in between leaves a claim this resource takes
// back, never a raised switch nobody claims), in one batch against the generation of the read that listed the
// other claims: two stacks raising one switch at once both record what was there before either.
import { randomBytes } from "node:crypto";
import { KernelError } from "../../kernel/errors";
import * as nftables from "../../kernel/nftables";
import { forwardingName, readForwarding, writeForwarding } from "../../kernel/sysctl";
import { type Properties, withoutUndefined } from "../../model/check";
import type { ResourceKind } from "../../lifecycle/kind";
import { notice } from "../../lifecycle/notices";
import { resourceProvider } from "../../lifecycle/provider";
import type { Step } from "../../lifecycle/steps";
import {
  findOwnedTable,
  makeOwnedTable,
  type OwnedTable,
  readOwnedTable,
  reclaimableTable,
  removeOwnedTable,
  replaceOwnedTable,
  tableRefusal,
} from "../../tables/ownedTable";
import { diffForwarding } from "./diff";
import { forwardingClaimName, type ForwardingState, type ForwardingSwitch, type ForwardingSwitchState, forwardingSwitches, foundBeforeAnyStack, releaseSwitch } from "./model";
import type * as schemaModule from "./schema";
import type { ForwardingInputs } from "./schema";

/** The inputs' schema, loaded by the first check or the first read of the inputs a state recorded. */
const schema = (): typeof schemaModule => require("./schema");

type Spec = ForwardingInputs & { claim: string };

/** What only the state knows: the stamp, the inputs, and what each switch was found at (should the claim be lost). */
interface Recorded {
  stamp: string;
  inputs: ForwardingInputs;
  switches: ForwardingSwitchState[];
}

const forwarding: ResourceKind<Spec, Recorded, OwnedTable, ForwardingState> = {
  type: "Forwarding",
  check: (olds, news) => schema().checkForwarding(olds, news),
  specOf(outcome) {
    const inputs = outcome.complete as ForwardingInputs | undefined;
    return inputs === undefined ? undefined : { ...inputs, claim: forwardingClaimName(inputs.managedBy, randomBytes(3).toString("hex")) };
  },
  diff: (_id, olds, news) => diffForwarding(olds, news),

  /**
   * A device made again (the engine replacing the device this Forwarding names by its `name` output, in the same
   * `pulumi up`) starts from `net.ipv4.conf.default.forwarding`, so the switches this resource raised on it are off:
   * the update raises them again. A device that is not there is left to the inputs (the read fails, as
   * diffWithHost allows).
   */
  undoneByKernel(id, olds) {
    const { inputs } = forwarding.recordedFrom(olds);
    const operation = `diff ${forwarding.subject(id)}`;
    return forwardingSwitches(inputs).some((key) => key.device !== undefined && readForwarding(inputs.netns, key, operation) === 0) ? ["devices"] : [];
  },

  idOf: (spec) => spec.claim,
  subject: (id) => `IP forwarding (claim: table inet ${id})`,

  recordedFor: (spec, stamp) => ({ stamp, inputs: inputsOf(spec), switches: [] }),
  recordedFrom: (props: Properties) => ({ stamp: typeof props.stamp === "string" ? props.stamp : "", inputs: recordedInputs(props), switches: recordedSwitches(props.switches) }),

  find: (id, { stamp, inputs }, operation) => findOwnedTable(inputs.netns, id, stamp, operation),
  reread: ({ netns, name }, operation) => readOwnedTable(netns, name, operation),

  /**
   * The claim, recording for each switch what it was before any stack raised it, made in one batch against the
   * generation its facts were read at; the switches are raised after (finish), and a failure there removes the
   * claim and lowers again whatever this create raised.
   */
  make(spec, stamp, operation) {
    const creation = makeOwnedTable(spec.netns, spec.claim, operation, (client) => {
      const generation = client.generation(operation);
      const others = otherClaims(client, spec.claim, operation);
      const switches = forwardingSwitches(spec).map((key) => ({ name: forwardingName(key), found: foundBeforeAnyStack(readForwarding(spec.netns, key, operation), claimsOn(others, key)) }));
      return { table: nftables.forwardingClaimTable({ table: spec.claim, owner: stamp, switches }), generation };
    });
    if ("taken" in creation) return creation;
    return { ...creation, finish: () => forwardingSwitches(spec).forEach((key) => raise(spec.netns, key, operation)) };
  },

  reclaimable: (found, spec) => reclaimableTable(found, spec.managedBy),
  refusal: (found, spec, operation) => tableRefusal(found, spec.managedBy, "its claim on forwarding", operation),
  stampWrittenBySteps: true,

  /**
   * The claim rewritten when it differs (switches added or dropped, the stamp renewed, drift), the switches asked for
   * raised where they are off, the ones no longer asked for released as on delete; what is left on is said at the end.
   */
  steps(found, spec, id, stamps, operation) {
    const netns = spec.netns;
    const claimed = claimedValues(found);
    return nftables.withNftables(netns, operation, (client) => {
      const others = otherClaims(client, id, operation);
      const wanted = forwardingSwitches(spec);
      const switches = wanted.map((key) => ({ name: forwardingName(key), found: claimed.get(forwardingName(key)) ?? foundBeforeAnyStack(readForwarding(netns, key, operation), claimsOn(others, key)) }));
      const expected = nftables.forwardingClaimTable({ table: id, owner: stamps.stamp, switches });
      const steps: Step[] = [];
      if (found.contents === undefined || nftables.tableDifferences(expected, found.contents).length > 0) {
        const previous = found.contents === undefined ? undefined : nftables.claimOf(found.contents.table, found.contents.chains);
        steps.push({
          description: `write the claim in table inet ${id}`,
          apply: () => replaceOwnedTable(netns, id, expected, [stamps.previous ?? stamps.stamp, stamps.stamp], operation, found),
          ...(previous === undefined ? {} : { undo: () => replaceOwnedTable(netns, id, nftables.forwardingClaimTable(previous), [stamps.stamp], operation) }),
        });
      }
      for (const key of wanted) {
        if (readForwarding(netns, key, operation) !== 0) continue;
        steps.push({ description: `turn ${forwardingName(key)} on`, apply: () => raise(netns, key, operation), undo: () => void writeForwarding(netns, key, 0, operation) });
      }
      const said: string[] = [];
      for (const [name, value] of claimed) {
        if (switches.some((kept) => kept.name === name)) continue;
        const key = switchNamed(name);
        const current = key === undefined ? undefined : currentValue(netns, key, operation);
        if (key === undefined || current === undefined) continue;
        const release = releaseSwitch(value, current, claimantsOf(others, name));
        if (release.lower) steps.push({ description: `turn ${name} off again`, apply: () => void writeForwarding(netns, key, 0, operation), undo: () => void writeForwarding(netns, key, 1, operation) });
        else if (current !== 0) said.push(`${name}: ${release.reason}`);
      }
      if (said.length > 0) steps.push({ description: "say what is left on", apply: () => notice(`${operation}: no longer asked for, but left on: ${said.join("; ")}.`) });
      return steps;
    });
  },

  /**
   * Each claimed switch lowered again only if this stack raised it and no other claim remains; then the claim goes.
   * What stays on, and why, is said among the stack's diagnostics.
   */
  remove(found, operation) {
    const { netns, name, contents } = found;
    if (contents === undefined) return;
    const said: string[] = [];
    nftables.withNftables(netns, operation, (client) => {
      const others = otherClaims(client, name, operation);
      for (const [sysctl, value] of claimedValues(found)) {
        const key = switchNamed(sysctl);
        const current = key === undefined ? undefined : currentValue(netns, key, operation);
        if (key === undefined || current === undefined) continue;
        const release = releaseSwitch(value, current, claimantsOf(others, sysctl));
        if (release.lower) writeForwarding(netns, key, 0, operation);
        else if (current !== 0) said.push(`${sysctl}: ${release.reason}`);
      }
    });
    removeOwnedTable(found, operation);
    if (said.length > 0) notice(`${operation}: left on: ${said.join("; ")}.`);
  },

  state(found, { stamp, inputs, switches: recorded }, operation) {
    const { netns, name, contents } = found;
    if (contents === undefined) return undefined;
    const claimed = claimedValues(found);
    // What a lost claim no longer says comes from the state; failing both, the switch is taken as found on, so never lowered.
    const switches: ForwardingSwitchState[] = forwardingSwitches(inputs).map((key) => ({
      ...key,
      found: claimed.get(forwardingName(key)) ?? recorded.find((entry) => entry.version === key.version && entry.device === key.device)?.found ?? 1,
    }));
    const expected = nftables.forwardingClaimTable({ table: name, owner: stamp, switches: switches.map((entry) => ({ name: forwardingName(entry), found: entry.found })) });
    const drift = nftables.tableDifferences(expected, contents).map((difference) => `the claim: ${difference}`);
    for (const key of forwardingSwitches(inputs)) {
      const current = currentValue(netns, key, operation);
      if (current === undefined) drift.push(`${forwardingName(key)} does not exist any more (its device is gone)`);
      else if (current === 0) drift.push(`${forwardingName(key)} is off: it was turned off after this stack turned it on`);
    }
    return { ...inputs, claim: name, stamp, switches, drift };
  },
};

/** The Forwarding provider's real work: what pulumi-tuntap/providers/forwarding loads when it is called. */
export const implementation = resourceProvider(forwarding);

function inputsOf(spec: ForwardingInputs): ForwardingInputs {
  const { ipv4, ipv6, devices, netns, managedBy } = spec;
  return withoutUndefined({ ipv4, ipv6, devices, netns, managedBy });
}

function recordedInputs(props: Properties): ForwardingInputs {
  const { ipv4, ipv6, devices, netns, managedBy } = props;
  const parsed = schema().forwardingInputsSchema.safeParse(withoutUndefined({ ipv4, ipv6, devices, netns, managedBy }));
  if (!parsed.success) throw new Error(`the state of this Forwarding records no valid inputs (${parsed.error.issues.map((issue) => issue.message).join("; ")}); run \`pulumi refresh\``);
  return inputsOf(parsed.data);
}

/** The switches a state recorded, as far as it recorded whole ones. */
function recordedSwitches(value: unknown): ForwardingSwitchState[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: { version?: unknown; device?: unknown; found?: unknown }) => {
    if ((entry.version !== 4 && entry.version !== 6) || (entry.found !== 0 && entry.found !== 1)) return [];
    return [withoutUndefined({ version: entry.version, device: typeof entry.device === "string" ? entry.device : undefined, found: entry.found })];
  });
}

/** What the claim records of each switch, by sysctl name (nothing when the table no longer reads as a claim). */
function claimedValues({ contents }: OwnedTable): Map<string, 0 | 1> {
  const claim = contents === undefined ? undefined : nftables.claimOf(contents.table, contents.chains);
  return new Map((claim?.switches ?? []).map((entry) => [entry.name, entry.found]));
}

/** Every other claim in the namespace (other stacks', other resources'). */
function otherClaims(client: nftables.NftablesClient, own: string, operation: string): nftables.ForwardingClaim[] {
  return nftables.listForwardingClaims(client, operation).filter((claim) => claim.table !== own);
}

function claimsOn(claims: readonly nftables.ForwardingClaim[], key: ForwardingSwitch): { found: 0 | 1 }[] {
  const name = forwardingName(key);
  return claims.flatMap((claim) => claim.switches.filter((entry) => entry.name === name));
}

/**
 * Who else needs a switch left on, by their stamps (which name project, stack and resource): those who claim it, and
 * for net.ipv4.ip_forward also those who claim a device's IPv4 switch, since lowering it lowers every device's too.
 */
function claimantsOf(claims: readonly nftables.ForwardingClaim[], name: string): string[] {
  const affected = (other: string) => other === name || (name === "net.ipv4.ip_forward" && other.startsWith("net.ipv4.conf."));
  return claims.filter((claim) => claim.switches.some((entry) => affected(entry.name))).map((claim) => claim.owner);
}

/** The switch a sysctl name of ours stands for (the inverse of forwardingName), or undefined for any other name. */
function switchNamed(name: string): ForwardingSwitch | undefined {
  if (name === "net.ipv4.ip_forward") return { version: 4 };
  if (name === "net.ipv6.conf.all.forwarding") return { version: 6 };
  const perDevice = /^net\.ipv([46])\.conf\.([^.]+)\.(forwarding|force_forwarding)$/.exec(name);
  if (perDevice === null) return undefined;
  const version = perDevice[1] === "4" ? 4 : 6;
  if ((version === 4) !== (perDevice[3] === "forwarding")) return undefined;
  // sysctl(8) writes a "." inside a device name as "/" (see forwardingName).
  return { version, device: (perDevice[2] ?? "").replaceAll("/", ".") };
}

/** The switch's value now; undefined when its file is gone (a device's switch, with the device). */
function currentValue(netns: string | undefined, key: ForwardingSwitch, operation: string): number | undefined {
  try {
    return readForwarding(netns, key, operation);
  } catch (error) {
    if (key.device !== undefined && error instanceof KernelError && error.code === "ENOENT") return undefined;
    throw error;
  }
}

/** Turns a switch on where it is off, and checks that it took. */
function raise(netns: string | undefined, key: ForwardingSwitch, operation: string): void {
  if (readForwarding(netns, key, operation) !== 0) return;
  if (writeForwarding(netns, key, 1, operation) === 0) throw new Error(`${operation}: ${forwardingName(key)} reads 0 after writing 1: something keeps it off (a read-only /proc/sys, as in some containers).`);
}

