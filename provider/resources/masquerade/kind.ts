// Masquerade as a kind: one nf_tables table per resource (family inet, named after it, its comment the ownership
// stamp), made whole in one batch, read back and compared rule by rule for drift, replaced whole in one batch when
// it differs, deleted by handle. Nothing outside that table is ever written; other tables are only read, for forward
// chains of someone else that will drop the lab's traffic anyway.
//
// What a table of our own takes (finding it by its stamp, replacing it against the generation of the read that
// found it ours) is shared with Forwarding's claims: ../../tables/ownedTable.ts.
import { randomBytes } from "node:crypto";
import * as nftables from "../../kernel/nftables";
import { type Properties, withoutUndefined } from "../../model/check";
import { parseCidr } from "../../model/ip";
import type { ResourceKind } from "../../lifecycle/kind";
import { resourceProvider } from "../../lifecycle/provider";
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
import { diffMasquerade } from "./diff";
import type { ForeignChain } from "./forwardDrop";
import { type MasqueradeState, masqueradeTableName } from "./model";
import type * as schemaModule from "./schema";
import type { MasqueradeInputs } from "./schema";

/** The inputs' schema, loaded by the first check or the first read of the inputs a state recorded. */
const schema = (): typeof schemaModule => require("./schema");

/** The checked inputs and the table they go into. */
type Spec = MasqueradeInputs & { table: string };

/** What only the state knows: the stamp, and the inputs the table was written from (drift is measured against them). */
interface Recorded {
  stamp: string;
  inputs: MasqueradeInputs;
}

const masquerade: ResourceKind<Spec, Recorded, OwnedTable, MasqueradeState> = {
  type: "Masquerade",
  check: (olds, news) => schema().checkMasquerade(olds, news),
  specOf(outcome) {
    const inputs = outcome.complete as MasqueradeInputs | undefined;
    return inputs === undefined ? undefined : { ...inputs, table: masqueradeTableName(inputs.managedBy, undefined, randomBytes(3).toString("hex")) };
  },
  diff: (_id, olds, news) => diffMasquerade(olds, news),
  idOf: (spec) => spec.table,
  subject: (id) => `table inet ${id}`,

  recordedFor: (spec, stamp) => ({ stamp, inputs: inputsOf(spec) }),
  recordedFrom: (props: Properties) => ({ stamp: typeof props.stamp === "string" ? props.stamp : "", inputs: recordedInputs(props) }),

  /** The table of the recorded name carrying the recorded stamp; gone with its namespace. */
  find: (id, { stamp, inputs }, operation) => findOwnedTable(inputs.netns, id, stamp, operation),
  reread: ({ netns, name }, operation) => readOwnedTable(netns, name, operation),

  /** The whole table in one batch; a table of that name already there (anyone's) changes nothing and is looked at. */
  make: (spec, stamp, operation) => makeOwnedTable(spec.netns, spec.table, operation, () => ({ table: tableSpec(spec, spec.table, stamp) })),
  reclaimable: (found, spec) => reclaimableTable(found, spec.managedBy),
  refusal: (found, spec, operation) => tableRefusal(found, spec.managedBy, "its NAT rules", operation),
  stampWrittenBySteps: true,

  /** Nothing when the table holds exactly what it should; else the whole table replaced in one batch. */
  steps(found, spec, id, stamps, operation) {
    const expected = tableSpec(spec, id, stamps.stamp);
    if (found.contents !== undefined && nftables.tableDifferences(expected, found.contents).length === 0) return [];
    return [{ description: `replace table inet ${id}`, apply: () => replaceOwnedTable(found.netns, id, expected, [stamps.previous ?? stamps.stamp, stamps.stamp], operation, found) }];
  },

  remove: removeOwnedTable,

  state({ netns, name, contents }, { stamp, inputs }, operation) {
    if (contents === undefined) return undefined;
    const drift = nftables.tableDifferences(tableSpec(inputs, name, stamp), contents);
    return { ...inputs, table: name, stamp, drift, forwardDropChains: droppingChains(netns, inputs.device, operation) };
  },
};

/** The Masquerade provider's real work: what pulumi-tuntap/providers/masquerade loads when it is called. */
export const implementation = resourceProvider(masquerade);

/** The inputs alone, with no key undefined (the state records them as outputs). */
function inputsOf(spec: MasqueradeInputs): MasqueradeInputs {
  const { sources, device, egressDevice, sourcePorts, netns, managedBy } = spec;
  return withoutUndefined({ sources, device, egressDevice, sourcePorts, netns, managedBy });
}

/** The inputs a state recorded, as check made them; a state that holds none is a bug worth saying so. */
function recordedInputs(props: Properties): MasqueradeInputs {
  const { sources, device, egressDevice, sourcePorts, netns, managedBy } = props;
  const parsed = schema().masqueradeInputsSchema.safeParse(withoutUndefined({ sources, device, egressDevice, sourcePorts, netns, managedBy }));
  if (!parsed.success) throw new Error(`the state of this Masquerade records no valid inputs (${parsed.error.issues.map((issue) => issue.message).join("; ")}); run \`pulumi refresh\``);
  return inputsOf(parsed.data);
}

/** The table the inputs ask for, stamped. */
function tableSpec(inputs: MasqueradeInputs, table: string, stamp: string): nftables.TableSpec {
  return nftables.masqueradeTable({
    table,
    owner: stamp,
    sources: inputs.sources.map(sourceOf),
    device: inputs.device,
    ...(inputs.egressDevice === undefined ? {} : { egressDevice: inputs.egressDevice }),
    ...(inputs.sourcePorts === undefined ? {} : { sourcePorts: { min: inputs.sourcePorts.start, max: inputs.sourcePorts.end } }),
  });
}

function sourceOf(text: string): nftables.MasqueradeSource {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw new RangeError(`not a prefix: ${text}`);
  return { version: parsed.family, network: parsed.bytes, length: parsed.prefixLength, text };
}

/** Forward chains of other tables with policy drop whose rules do not plainly let the lab's traffic through. */
function droppingChains(netns: string | undefined, device: string, operation: string): ForeignChain[] {
  return nftables
    .withNftables(netns, operation, (client) => nftables.forwardDropChains(client, operation))
    .filter((chain) => {
      const through = nftables.letsLabThrough(chain, device);
      return !(through.out && through.back);
    })
    .map((chain) => ({ family: chain.family, table: chain.table, chain: chain.name }));
}
