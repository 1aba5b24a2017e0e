// The lifecycle of every object a stack owns, written once; what differs between kinds comes from their hooks
// (kind.ts).
//
// - create: the object made carrying its stamp; or, when its place is taken, this resource's own object (from a
//   run that never recorded it) taken back, an adoption (when asked for and allowed), or a refusal that changes
//   nothing. What is left to do after the object exists that fails removes it again; when even that fails, a
//   PartialCreateError carries its id and state so that the engine records it instead of leaking it.
// - read: the object carrying the recorded mark, whatever it is called now.
// - update: the same object, brought to the spec step by step (its stamp following a new identity), every step
//   undone if one fails; something else in its place is refused.
// - delete: only what is ours; gone already is success.
import type { Properties } from "../model/check";
import { newStamp } from "../model/stamp";
import { MissingDeviceError, PartialCreateError } from "./errors";
import type { Ownership, ResourceKind } from "./kind";
import { renewedStamp, restamp, stampStep } from "./ownership";
import { applyWithRollback } from "./steps";

export interface Created<State> {
  id: string;
  state: State;
}

export class Lifecycle<Spec extends Ownership, Recorded extends object, Found, State extends object> {
  constructor(private readonly kind: ResourceKind<Spec, Recorded, Found, State>) {}

  async create(spec: Spec): Promise<Created<State>> {
    const { kind } = this;
    const operation = `create ${kind.subject(kind.idOf(spec))}`;
    const stamp = newStamp(spec.managedBy ?? "");
    const creation = kind.make(spec, stamp, operation);
    if ("taken" in creation) return this.takeOver(spec, creation.taken, creation.id, operation);
    const { id, made } = creation;
    const recorded = kind.recordedFor(spec, stamp);
    try {
      creation.finish?.();
      return { id, state: this.stateAfterChange(made, id, recorded, operation) };
    } catch (error) {
      await this.removeHalfMade(made, id, recorded, error, operation);
      throw error;
    }
  }

  read(id: string, props: Properties): State | undefined {
    const { kind } = this;
    const operation = `read ${kind.subject(id)}`;
    const recorded = kind.recordedFrom(props);
    const found = kind.find(id, recorded, operation);
    return found === undefined ? undefined : kind.state(found, recorded, operation);
  }

  update(id: string, olds: Properties, spec: Spec): State {
    const { kind } = this;
    const operation = `update ${kind.subject(id)}`;
    const recorded = kind.recordedFrom(olds);
    const found = kind.find(id, recorded, operation);
    if (found === undefined) throw kind.foreignAt?.(id, recorded, operation) ?? new MissingDeviceError(operation, kind.subject(id));
    const previous = recordedStamp(recorded);
    const stamped =
      kind.stamps !== undefined
        ? restamp(kind.stamps, found, previous, spec.managedBy, operation)
        : { stamp: kind.stampWrittenBySteps === true ? renewedStamp(previous, spec.managedBy) : previous, steps: [] };
    applyWithRollback([...stamped.steps, ...kind.steps(found, spec, id, { stamp: stamped.stamp, previous }, operation)]);
    return this.stateAfterChange(found, id, kind.recordedFor(spec, stamped.stamp), operation);
  }

  async delete(id: string, props: Properties): Promise<void> {
    const { kind } = this;
    const operation = `delete ${kind.subject(id)}`;
    const recorded = kind.recordedFrom(props);
    const found = kind.find(id, recorded, operation);
    if (found === undefined) {
      const refusal = kind.foreignAt?.(id, recorded, operation);
      if (refusal !== undefined) throw refusal;
      return;
    }
    await kind.remove(found, operation);
  }

  /**
   * The place is taken. Three cases: the object is this resource's own from a run that never recorded it (take
   * it back); the user asked to adopt it and it may be adopted; or it belongs to someone else, or is of another
   * kind (refuse, touch nothing).
   */
  private takeOver(spec: Spec, taken: Found, id: string, operation: string): Created<State> {
    const { kind } = this;
    const own = kind.reclaimable(taken, spec, operation);
    if (own === undefined) {
      if (spec.adopt !== true || kind.adoptionRefusal === undefined) throw kind.refusal(taken, spec, operation);
      const refusal = kind.adoptionRefusal(taken, spec, operation);
      if (refusal !== undefined) throw refusal;
    }
    const stamp = own ?? newStamp(spec.managedBy ?? "");
    const stamping = own === undefined && kind.stamps !== undefined ? [stampStep(kind.stamps, taken, stamp, operation)] : [];
    applyWithRollback([...stamping, ...kind.steps(taken, spec, id, { stamp, previous: own }, operation)]);
    return { id, state: this.stateAfterChange(taken, id, kind.recordedFor(spec, stamp), operation) };
  }

  /** The outputs after a change, from the object looked up again: exact requests, answered now. */
  private stateAfterChange(found: Found, id: string, recorded: Recorded, operation: string): State {
    const { kind } = this;
    const current = kind.reread === undefined ? found : kind.reread(found, operation);
    const state = current === undefined ? undefined : kind.state(current, recorded, operation);
    if (state === undefined) throw new MissingDeviceError(operation, kind.subject(id));
    return state;
  }

  /**
   * After a create failed past the point where the object existed: remove it. If even that fails, the error
   * carries the object's id and state so the engine records it instead of leaking it.
   */
  private async removeHalfMade(made: Found, id: string, recorded: Recorded, error: unknown, operation: string): Promise<void> {
    const subject = this.kind.subject(id);
    try {
      await this.kind.remove(made, operation);
    } catch (cleanupError) {
      throw new PartialCreateError(
        `${messageOf(error)} Removing the half-made ${subject} failed too (${messageOf(cleanupError)}); ` +
          "it stays recorded in the stack so that `pulumi destroy` or the next `pulumi up` can deal with it.",
        id,
        this.stateIfReadable(made, recorded, operation),
      );
    }
    if (error instanceof Error) error.message += ` ${subject} was removed again; nothing was left behind.`;
  }

  /** The state of a half-made object as far as it can be read: the engine records whatever it gets. */
  private stateIfReadable(made: Found, recorded: Recorded, operation: string): Properties {
    try {
      return { ...this.kind.state(made, recorded, operation) };
    } catch {
      return {};
    }
  }
}

/** The stamp the state recorded, for kinds whose objects carry one ("" when it recorded none). */
function recordedStamp(recorded: object): string {
  return "stamp" in recorded && typeof recorded.stamp === "string" ? recorded.stamp : "";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
