// A link's addresses, brought to a declared set around what the kernel does on its own:
// - deleting a primary IPv4 address also deletes its secondaries (unless promote_secondaries is set), so
//   secondaries go first and the list is read again after a primary goes;
// - a link taken down, or given an MTU below 1280, loses its IPv6 addresses, so additions read the list again
//   instead of trusting one read before those steps;
// - a rollback puts back exactly the addresses the link had before the update, the ones the kernel removed on
//   its own included.
import type { AddressRecord, ErrorContext, RouteNetlink } from "../kernel";
import { isKernelManaged, isSecondary } from "../kernel/netlink/address";
import { formatCidr, type ParsedCidr } from "../model/ip";
import type { Step } from "../lifecycle/steps";

function toKernelAddress(address: ParsedCidr) {
  return { family: address.family, address: Buffer.from(address.bytes), prefixLength: address.prefixLength };
}

function addressKey(address: ParsedCidr): string {
  return `${address.family}:${Buffer.from(address.bytes).toString("hex")}/${address.prefixLength}`;
}

function asCidr(record: AddressRecord): ParsedCidr {
  return { family: record.family, bytes: record.address, prefixLength: record.prefixLength };
}

/** Addresses someone put on the link, as opposed to those the kernel adds on its own (IPv6 link-local). */
export function managedAddresses(records: readonly AddressRecord[]): ParsedCidr[] {
  return records.filter((record) => !isKernelManaged(record)).map(asCidr);
}

/** The addresses of one link, read from the kernel each time: what a step did may have changed them. */
export class LinkAddresses {
  constructor(
    private readonly netlink: RouteNetlink,
    private readonly index: number,
    private readonly context: ErrorContext,
  ) {}

  read(): AddressRecord[] {
    return this.netlink.addressesOf(this.index, this.context.operation).filter((record) => !isKernelManaged(record));
  }

  add(address: ParsedCidr): void {
    this.netlink.addAddress(this.index, toKernelAddress(address), formatCidr(address), this.context);
  }

  remove(address: ParsedCidr): void {
    this.netlink.deleteAddress(this.index, toKernelAddress(address), formatCidr(address), this.context);
  }

  /** Deletes every address not in `keep`: secondaries first, reading again after a primary IPv4 address goes. */
  removeAllBut(keep: readonly ParsedCidr[]): void {
    const kept = new Set(keep.map(addressKey));
    let current = this.read();
    for (;;) {
      const unwanted = current.filter((record) => !kept.has(addressKey(asCidr(record))));
      const next = unwanted.find(isSecondary) ?? unwanted[0];
      if (next === undefined) return;
      this.remove(asCidr(next));
      current = next.family === 4 && !isSecondary(next) ? this.read() : current.filter((record) => record !== next);
    }
  }

  /** Adds, in the order given (the first of a subnet becomes its primary), each address the link lacks now. */
  addMissing(wanted: readonly ParsedCidr[]): void {
    const present = new Set(this.read().map((record) => addressKey(asCidr(record))));
    for (const address of wanted) if (!present.has(addressKey(address))) this.add(address);
  }

  /**
   * Puts back exactly `before`: the same addresses, and the same IPv4 primaries. When the roles came out
   * otherwise (a secondary re-added first became the primary), the IPv4 addresses are made again in order.
   */
  restore(before: readonly AddressRecord[]): void {
    const ordered = [...before.filter((record) => !isSecondary(record)), ...before.filter(isSecondary)].map(asCidr);
    this.removeAllBut(ordered);
    this.addMissing(ordered);
    const roleOf = (record: AddressRecord) => `${addressKey(asCidr(record))}:${isSecondary(record)}`;
    const rolesBefore = new Set(before.filter((record) => record.family === 4).map(roleOf));
    const now = this.read().filter((record) => record.family === 4);
    if (now.every((record) => rolesBefore.has(roleOf(record)))) return;
    this.removeAllBut(ordered.filter((address) => address.family === 6));
    this.addMissing(ordered);
  }
}

export interface AddressPlan {
  /** Some address on the link is not declared. */
  removes: boolean;
  /** Some declared address is missing from the link. */
  adds: boolean;
}

export function planAddresses(current: readonly AddressRecord[], desired: readonly ParsedCidr[]): AddressPlan {
  const present = new Set(managedAddresses(current).map(addressKey));
  const wanted = new Set(desired.map(addressKey));
  return { removes: [...present].some((key) => !wanted.has(key)), adds: [...wanted].some((key) => !present.has(key)) };
}

export function removeAddressesStep(addresses: LinkAddresses, desired: readonly ParsedCidr[]): Step {
  return { description: "remove addresses", apply: () => addresses.removeAllBut(desired) };
}

export function addAddressesStep(addresses: LinkAddresses, desired: readonly ParsedCidr[]): Step {
  return { description: "add addresses", apply: () => addresses.addMissing(desired) };
}

/**
 * The first step of an update that may change addresses, directly or through the kernel (down, MTU): it
 * changes nothing, and its undo — run last in a rollback, after the link's own settings are back — puts
 * back exactly the addresses the link had, primaries before their secondaries.
 */
export function restoreAddressesGuard(addresses: LinkAddresses, before: readonly AddressRecord[]): Step {
  const managed = before.filter((record) => !isKernelManaged(record));
  return { description: "restore addresses", apply: () => undefined, undo: () => addresses.restore(managed) };
}
