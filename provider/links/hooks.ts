// What one kind of link fills: its hooks, in the manner of iproute2's `struct link_util` (ip/ip_common.h), whose
// hooks let one `ip link` path serve every kind — its model, how the kernel makes the device, what "the same kind"
// means for adopt, the steps only it has, and the outputs only it has. linkKind.ts writes the rest once. A device
// with a second end (a veth pair) finds, configures and reports that end in its own hooks, as iproute2's veth
// parses its peer by calling the generic link parser again: nothing shared knows of peers.
import type { AddressRecord, Link, RouteNetlink } from "../kernel";
import type { CheckFailure, CheckOutcome, DiffOutcome, Named, Properties } from "../model";
import type { StampTransition } from "../lifecycle/kind";
import type { Step } from "../lifecycle/steps";
import type { DesiredLinkSettings } from "./settings";

/** The inputs every link resource has after check. */
export interface LinkInputs {
  name?: string | undefined;
  netns?: string | undefined;
  adopt: boolean;
  managedBy?: string | undefined;
}

/** What only the state knows about every link resource: its stamp, and where and whose it is. */
export interface LinkRecorded {
  stamp: string;
  adopt: boolean;
  netns?: string;
  managedBy?: string;
}

/** A link found in its namespace. */
export interface LinkFound {
  netlink: RouteNetlink;
  link: Link;
}

/** A link as a read finds it now. */
export interface LinkView {
  link: Link;
  addresses: readonly AddressRecord[];
}

/** A kind's outputs without what the state records for every link (added by the family). */
export type LinkOutputs<State> = Omit<State, keyof LinkRecorded>;

export interface LinkHooks<Inputs extends LinkInputs, State extends object, Extra extends object = object> {
  /** The resource type, as messages name it: "TapInterface". */
  readonly type: string;
  /** What `adopt` can take, as messages say it: "TUN/TAP devices", "bridges". */
  readonly adoptable: string;
  /** The model's check. */
  check(olds: Properties, news: Properties): CheckOutcome<Inputs>;
  /** Failures only this host can tell (a user name that does not exist here); checked inputs, unknowns kept. */
  hostFailures?(inputs: Properties): CheckFailure[];
  /** The model's diff; `id` is the name the device was created under. */
  diff(id: string, olds: Properties, news: Properties): DiffOutcome;
  /** Why an existing link is not one this resource could have made (for adopt and reclaim), or undefined. */
  mismatch(link: Link, spec: Named<Inputs>, netlink: RouteNetlink): string | undefined;
  /** The declared settings every link has, in kernel terms; what it asks the kernel (a bridge to join) it asks before anything changes. */
  desired(netlink: RouteNetlink, spec: Named<Inputs>, operation: string): DesiredLinkSettings;
  /**
   * Makes the device, carrying `stamp` before it can outlive a failure, and returns the name the kernel gave it.
   * A name already taken is a DeviceExistsError; a failure leaves nothing behind.
   */
  make(netlink: RouteNetlink, spec: Named<Inputs>, stamp: string, operation: string): string;
  /** Steps only this kind has (a TUN/TAP owner, a bridge's STP), after every link's; `name` is the link's name by then. */
  moreSteps(netlink: RouteNetlink, link: Link, name: string, spec: Named<Inputs>, operation: string, stamps: StampTransition): Step[];
  /** What the state records beyond every link's (where a second end is), from the inputs, and back from a state. */
  recordedFor?(spec: Named<Inputs>): Extra;
  recordedFrom?(props: Properties): Extra;
  /** The outputs only this kind has, the device as read now; undefined when a second end is gone (with its namespace). */
  state(netlink: RouteNetlink, view: LinkView, recorded: LinkRecorded & Extra): LinkOutputs<State> | undefined;
}
