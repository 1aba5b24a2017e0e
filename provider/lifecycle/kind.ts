// One kind of object a stack owns in the kernel or on disk — a device, a namespace, a route, a device's boot
// files, and the next ones — as the hooks that differ between kinds, and nothing else. The lifecycle
// (lifecycle.ts) is written once for all of them: create with take-over (this resource's own object from a run
// that never recorded it taken back, an adoption, or a refusal), clean-up of a half-made create, read by the
// ownership mark, update as undoable steps rolled back on failure, delete of what is ours only; provider.ts makes
// the dynamic provider's methods of it.
//
// In the manner of iproute2's `struct link_util` (ip/ip_common.h), whose hooks let one `ip link` path serve every
// kind, and of pulumi-go-provider's `infer.Resource`: a kind is typed end to end, from its checked inputs (Spec)
// through what the state records (Recorded) and what a look finds (Found) to its outputs (State).
import type { CheckFailure, CheckOutcome, DiffOutcome, Properties } from "../model";
import type { StampCarrier } from "./ownership";
import type { Step } from "./steps";

/** What every kind's checked inputs say of ownership: whose the object is, and whether one in the way may be adopted. */
export interface Ownership {
  managedBy?: string | undefined;
  adopt?: boolean | undefined;
}

/** The stamp an object carries once the steps are applied, and the one it carried before (undefined: none, it is being adopted). */
export interface StampTransition {
  stamp: string;
  previous: string | undefined;
}

/**
 * What a create's first move came to: a new object, with what is left to do (a failure there removes the object
 * again); or its place taken, by this resource's own object or by someone else's.
 */
export type Creation<Found> = { id: string; made: Found; finish?: () => void } | { id: string; taken: Found };

export interface ResourceKind<Spec extends Ownership, Recorded extends object, Found, State extends object> {
  /** The resource type, as messages name it: "TapInterface". */
  readonly type: string;

  // ------------------------------------------------------------------------------------------ the model (pure)
  check(olds: Properties, news: Properties): CheckOutcome<unknown>;
  /** The complete spec create and update work from, or undefined while something is unknown, invalid or missing. */
  specOf(outcome: CheckOutcome<unknown>): Spec | undefined;
  /** Failures only this host can tell (a user name that does not exist here), asked when the model found none. */
  hostFailures?(inputs: Properties): CheckFailure[];
  /** `id` is what the object was created under. */
  diff(id: string, olds: Properties, news: Properties): DiffOutcome;
  /** The id is the object's name: an update called without check keeps it. */
  readonly namedById?: boolean;

  // -------------------------------------------------------------------------------------------------- naming
  /** The id the object of this spec is created under (a template's, until the kernel fills it in). */
  idOf(spec: Spec): string;
  /** How messages name the object of this id: "tap0", "network namespace lab". */
  subject(id: string): string;

  // ------------------------------------------------------------------------------------ what the state keeps
  /** What only the state knows once the object is made or changed: its stamp, whose and where it is. */
  recordedFor(spec: Spec, stamp: string): Recorded;
  /** The same, back from a state. */
  recordedFrom(props: Properties): Recorded;

  // ------------------------------------------------------------------------------------------------- finding
  /** This resource's object, by the mark the state recorded, whatever it is called now; undefined when it is gone (with its place). */
  find(id: string, recorded: Recorded, operation: string): Found | undefined;
  /** When `find` found nothing: the refusal to touch what holds the object's place instead, if anything does. */
  foreignAt?(id: string, recorded: Recorded, operation: string): Error | undefined;
  /** The object looked up again after a change (its name may have changed); undefined when it went meanwhile. */
  reread?(found: Found, operation: string): Found | undefined;

  // ------------------------------------------------------------------------------------------------ creating
  /**
   * Makes the object, carrying `stamp` before it can outlive a failure, or finds its place taken. Making it is the
   * existence check (no look-up first); a failure leaves nothing behind.
   */
  make(spec: Spec, stamp: string, operation: string): Creation<Found>;
  /** The stamp of an object in the way that is this resource's own, made by a run that never recorded it; else undefined. */
  reclaimable(found: Found, spec: Spec, operation: string): string | undefined;
  /** The refusal when an object in the way is not this resource's and adoption was not asked for (or the kind cannot adopt). */
  refusal(found: Found, spec: Spec, operation: string): Error;
  /** Adoption asked for: why this object cannot be adopted (another kind, another owner's stamp), or undefined. Absent: never adopted. */
  adoptionRefusal?(found: Found, spec: Spec, operation: string): Error | undefined;
  /** How the object carries a stamp naming its resource: added on adoption, renewed when the resource's identity changes. */
  readonly stamps?: StampCarrier<Found>;

  // ------------------------------------------------------------------------------------------------ changing
  /** The steps from `found` to `spec`, each undoable; whatever they look up on the host is looked up before the first runs. */
  steps(found: Found, spec: Spec, id: string, stamps: StampTransition, operation: string): Step[];
  /** Removes the object (the lifecycle has made sure it is this resource's). */
  remove(found: Found, operation: string): void | Promise<void>;

  // ------------------------------------------------------------------------------------------------- outputs
  /** The outputs: the object as it is now, and what only the state knows; undefined when it is gone. */
  state(found: Found, recorded: Recorded, operation: string): State | undefined;
}
