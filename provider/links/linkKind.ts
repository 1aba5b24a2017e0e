// One kind of link resource, as a descriptor of what differs between kinds and nothing else — in the manner of
// iproute2's `struct link_util` (ip/ip_common.h), whose hooks let one `ip link` path serve every kind. The
// lifecycle (linkLifecycle.ts) and the provider methods (linkProvider.ts) are written once for all of them.
//
// A new kind is one file with one LinkKind: its model (schema, check and diff in provider/model), how the
// kernel makes the device, what "the same kind" means for adopt, the settings and steps only it has, and how
// its outputs read. A device that needs more than one link (a veth pair's two ends, one possibly in another
// namespace) makes and stamps both in `make`, checks the second end in `mismatch`, configures it in
// `moreSteps` (which learn the stamp the pair carries, and the one it carried before), and reports it in
// `state`, which answers undefined once the second end is gone with its namespace (recorded as `peerNetns`).
// Deleting the first end deletes the pair.
import type { AddressRecord, Link, RouteNetlink } from "../kernel";
import type { CheckFailure, CheckOutcome, DiffOutcome, Named, Properties } from "../model";
import type { DesiredLinkSettings } from "./settings";
import type { Step } from "../lifecycle/steps";

/** The inputs every link resource has, after check. */
export interface LinkInputs {
  name?: string | undefined;
  netns?: string | undefined;
  adopt: boolean;
  managedBy?: string | undefined;
  /** A device with a second end: where that end is. */
  peer?: { netns?: string | undefined } | undefined;
}

/** What only the state knows about a link resource: its stamp, and where and whose it is. */
export interface Recorded {
  stamp: string;
  adopt: boolean;
  netns?: string;
  managedBy?: string;
  /** A device with a second end: the namespace that end was placed in (absent: the first end's). */
  peerNetns?: string;
}

/** The stamp the device carries once the steps are applied, and the one it carried before (undefined: none, it is being adopted). */
export interface StampTransition {
  stamp: string;
  previous: string | undefined;
}

/** A link as a read finds it now. */
export interface LinkView {
  link: Link;
  addresses: readonly AddressRecord[];
}

export interface LinkKind<Inputs extends LinkInputs, State extends object> {
  /** The resource type, as messages name it: "TapInterface". */
  readonly resource: string;
  /** What `adopt` can take, as messages say it: "TUN/TAP devices", "bridges". */
  readonly adoptable: string;
  /** The model's check. */
  check(olds: Properties, news: Properties): CheckOutcome<Inputs>;
  /** Failures only this host can tell (a user name that does not exist here); checked inputs, unknowns kept. */
  hostFailures(inputs: Properties): CheckFailure[];
  /** The model's diff; `id` is the name the device was created under. */
  diff(id: string, olds: Properties, news: Properties): DiffOutcome;
  /** Why an existing link is not one this resource could have made (for adopt and reclaim), or undefined. */
  mismatch(link: Link, spec: Named<Inputs>, netlink: RouteNetlink): string | undefined;
  /** The declared settings in kernel terms; what it asks the kernel (a bridge to join) it asks before anything changes. */
  desired(netlink: RouteNetlink, spec: Named<Inputs>, operation: string): DesiredLinkSettings;
  /**
   * Makes the device, carrying `stamp` before it can outlive a failure, and returns the name the kernel gave it.
   * A name already taken is a DeviceExistsError; a failure leaves nothing behind.
   */
  make(netlink: RouteNetlink, spec: Named<Inputs>, stamp: string, operation: string): string;
  /** Steps beyond the settings every link has (a TUN/TAP owner), applied after them; `name` is the link's name by then. */
  moreSteps(netlink: RouteNetlink, link: Link, name: string, spec: Named<Inputs>, operation: string, stamps: StampTransition): Step[];
  /** The outputs: the device as read now, and what only the state knows; undefined when a second end is gone (with its namespace). */
  state(netlink: RouteNetlink, view: LinkView, recorded: Recorded): State | undefined;
}
