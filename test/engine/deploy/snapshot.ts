// The snapshot manager (pkg/backend/snapshot.go): the state written during a run is the base snapshot merged
// with what the run has produced so far, rewritten after every step, so that a run that fails or dies
// leaves a state the next run can start from.
//
// As in Go, states are tracked by identity: `markNew` appends a state the run produced, `markDone` retires
// a base state (deleted, or superseded by its new state). The written list is the new states in completion
// order, then every base state not retired, which keeps a valid dependency order (see Snap() in Go).
// Operations in flight are recorded as pending operations until they end, successful or not.
import type { Checkpoint } from "./checkpoint";
import type { OperationType, PendingOperation, ResourceState } from "./state";

export class SnapshotManager {
  private readonly news: ResourceState[] = [];
  private readonly dones = new Set<ResourceState>();
  private readonly operations: PendingOperation[] = [];
  private readonly completed = new Set<ResourceState>();
  private scheduled = false;
  private closed = false;

  constructor(
    /** The base snapshot; refresh rebuilds it in place. */
    public base: ResourceState[],
    private readonly basePendingOperations: PendingOperation[],
    private readonly persist: (checkpoint: Omit<Checkpoint, "secretsProvider">) => void,
  ) {}

  beginOperation(state: ResourceState, type: OperationType): void {
    this.operations.push({ resource: state, type });
    this.changed();
  }

  endOperation(state: ResourceState): void {
    this.completed.add(state);
    this.changed();
  }

  markNew(state: ResourceState): void {
    this.news.push(state);
    this.changed();
  }

  markDone(state: ResourceState): void {
    this.dones.add(state);
    this.changed();
  }

  /** Something about a tracked state changed in place (e.g. an old state marked for deletion). */
  changed(): void {
    // Coalesce the writes of steps that finish together; `flush` writes at once.
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  snapshot(): Omit<Checkpoint, "secretsProvider"> {
    const resources = [...this.news, ...this.base].filter((state) => !this.dones.has(state));
    const pendingOperations = this.operations.filter((operation) => !this.completed.has(operation.resource));
    // A create that was in flight when a run died needs the user's attention: it stays until resolved.
    pendingOperations.push(...this.basePendingOperations.filter((operation) => operation.type === "creating"));
    return { resources, pendingOperations };
  }

  flush(): void {
    this.scheduled = false;
    if (!this.closed) this.persist(this.snapshot());
  }

  /** The final write of the run; nothing is written after it. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
