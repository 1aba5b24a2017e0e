// What the kinds kept as an nf_tables table of their own share (a Masquerade's rules, a Forwarding's claim): the
// table is named after the resource and carries its ownership stamp as its comment; it is found by that stamp, made
// whole in one batch, replaced whole in one batch, deleted by handle. No other table is ever written.
//
// A change is computed from a read and sent with the ruleset generation of that read (see the kernel's tables.ts):
// if anything changed the ruleset in between, the kernel refuses the whole batch, and the change is computed again
// from a new read; so a table is never written on the strength of an ownership check that no longer holds.
import { NoSuchNamespaceError } from "../kernel/errors";
import * as nftables from "../kernel/nftables";
import { STAMP_PREFIX } from "../model/stamp";
import { DeviceConflictError, MissingDeviceError } from "../lifecycle/errors";
import type { Creation } from "../lifecycle/kind";
import { reclaimableStamp, stampedForAnotherOwner } from "../lifecycle/ownership";

/** Batches computed again from a new read when other programs keep changing the ruleset meanwhile. */
const ATTEMPTS = 5;

/** A table of ours (family inet) as one consistent read found it; contents undefined: it went meanwhile. */
export interface OwnedTable {
  netns: string | undefined;
  name: string;
  generation: number;
  contents: nftables.TableContents | undefined;
}

function ownedTable(netns: string | undefined, name: string, snapshot: nftables.TableSnapshot): OwnedTable {
  return { netns, name, generation: snapshot.generation, contents: snapshot.contents };
}

/** The table as it is now, whoever's it is; undefined when its namespace is gone. */
export function readOwnedTable(netns: string | undefined, name: string, operation: string): OwnedTable | undefined {
  try {
    return nftables.withNftables(netns, operation, (client) => ownedTable(netns, name, client.readTable("inet", name, operation)));
  } catch (error) {
    if (error instanceof NoSuchNamespaceError) return undefined;
    throw error;
  }
}

/** The table when it carries `stamp`; undefined when it is gone, with its namespace, or not ours. */
export function findOwnedTable(netns: string | undefined, name: string, stamp: string, operation: string): OwnedTable | undefined {
  const found = readOwnedTable(netns, name, operation);
  return stamp !== "" && found?.contents?.table.comment === stamp ? found : undefined;
}

/**
 * Makes the table `build` says (with the generation its facts were read at, if any), or finds the name taken by a
 * table of anyone's, which is then looked at and left alone.
 */
export function makeOwnedTable(
  netns: string | undefined,
  name: string,
  operation: string,
  build: (client: nftables.NftablesClient) => { table: nftables.TableSpec; generation?: number },
): Creation<OwnedTable> {
  return nftables.withNftables(netns, operation, (client) => {
    for (let attempt = 1; ; attempt++) {
      const { table, generation } = build(client);
      try {
        client.createTable(table, generation, operation);
      } catch (error) {
        if (error instanceof nftables.RulesetChangedError && attempt < ATTEMPTS) continue;
        if (!(error instanceof nftables.TableExistsError)) throw error;
        const taken = ownedTable(netns, name, client.readTable("inet", name, operation));
        if (taken.contents === undefined) throw error;
        return { id: name, taken };
      }
      return { id: name, made: ownedTable(netns, name, client.readTable("inet", name, operation)) };
    }
  });
}

/** The stamp of a table in the way that this resource made in a run that never recorded it. */
export function reclaimableTable({ contents }: OwnedTable, identity: string | undefined): string | undefined {
  const comment = contents?.table.comment;
  return reclaimableStamp(comment === undefined ? [] : [comment], identity);
}

/** Why a table in the way is not this resource's, and what to do; `what` says what the resource keeps there. */
export function tableRefusal({ name, contents }: OwnedTable, identity: string | undefined, what: string, operation: string): DeviceConflictError {
  const comment = contents?.table.comment;
  if (comment === undefined || !comment.startsWith(STAMP_PREFIX)) {
    const has = comment === undefined ? "it has no comment" : `its comment is ${JSON.stringify(comment)}`;
    return new DeviceConflictError(
      operation,
      "managedBy",
      `table inet ${name}, where this resource keeps ${what}, already exists and was not made by pulumi-tuntap (${has}); it is left alone. ` +
        `Give this resource another name (the table is named after it), or delete that table if nothing needs it (\`nft delete table inet ${name}\`).`,
    );
  }
  // Released by deleting the table: `pulumi up` then makes it again.
  const words = { noun: "nftables table", carrier: " as its comment", name: `table inet ${name}`, release: `nft delete table inet ${name}` };
  return new DeviceConflictError(operation, "managedBy", `table inet ${name} already exists and ${stampedForAnotherOwner(comment, identity, words, true)}.`);
}

/**
 * Puts `expected` in place of the table, in one batch against the generation of a read that found it carrying one of
 * `stamps` (`found`, or a new read when it is stale or not given).
 */
export function replaceOwnedTable(netns: string | undefined, name: string, expected: nftables.TableSpec, stamps: readonly string[], operation: string, found?: OwnedTable): void {
  nftables.withNftables(netns, operation, (client) => {
    for (let attempt = 1; ; attempt++) {
      const current = attempt === 1 && found !== undefined ? found : ownedTable(netns, name, client.readTable("inet", name, operation));
      const { contents } = current;
      if (contents === undefined) throw new MissingDeviceError(operation, `table inet ${name}`);
      if (contents.table.comment === undefined || !stamps.includes(contents.table.comment)) {
        throw new DeviceConflictError(operation, "managedBy", `table inet ${name} was replaced meanwhile by one this resource did not make (comment ${JSON.stringify(contents.table.comment ?? "")}); it is left alone.`);
      }
      try {
        client.replaceTable({ handle: contents.table.handle, generation: current.generation }, expected, operation);
        return;
      } catch (error) {
        if (!(error instanceof nftables.RulesetChangedError) || attempt === ATTEMPTS) throw error;
      }
    }
  });
}

/** Deletes the table by handle: one deleted and made again by someone else under its name is never the one deleted. */
export function removeOwnedTable({ netns, name, contents }: OwnedTable, operation: string): void {
  if (contents === undefined) return;
  const { handle } = contents.table;
  nftables.withNftables(netns, operation, (client) => {
    try {
      client.deleteTable({ family: "inet", name, handle }, undefined, operation);
    } catch (error) {
      if (!(error instanceof nftables.NoSuchTableError)) throw error;
    }
  });
}
