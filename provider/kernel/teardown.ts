// Batched teardown: deletes that arrive together leave the kernel together.
//
// Unregistering a network device waits for an RCU grace period (~16–30 ms), and a single RTM_DELLINK pays
// it once however many devices it removes when it names a link group. The Pulumi engine sends deletes
// concurrently (up to --parallel in flight) into one provider process, so each delete waits here for a
// moment, and every delete queued by then goes out as one batch:
//   1. move each device, by ifindex, into a random link group in a range nobody uses;
//   2. confirm that the group holds exactly those devices (nothing else could be caught in it);
//   3. RTM_DELLINK that group: one kernel batch, one grace period.
// The kernel's wait runs on a worker thread, so deletes keep arriving (and form the next batch) meanwhile,
// and each caller is answered as soon as its devices have left the namespace, a batch of one included.
// Every caller gets its own outcome. A device that vanished on its own counts as deleted; a batch that
// cannot be confirmed falls back to deleting device by device, so a group delete never removes anything
// that was not asked for.
import { type ErrorContext, KernelError, NoSuchDeviceError } from "./errors";
import { RTM_DELLINK, RTM_NEWLINK } from "./netlink/constants";
import { deleteLinkGroupPayload, setLinkPayload } from "./netlink/link";
import type { RouteNetlink } from "./rtnetlink";

export interface DeleteRequest {
  index: number;
  name: string;
  context: ErrorContext;
}

interface Pending extends DeleteRequest {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Link groups we pick from: high enough that nobody numbers their groups there by hand. */
const GROUP_BASE = 0x40000000;
const GROUP_SPAN = 0x3fffffff;

export interface TeardownStatistics {
  batches: number;
  devices: number;
  largestBatch: number;
}

export class LinkTeardown {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  readonly statistics: TeardownStatistics = { batches: 0, devices: 0, largestBatch: 0 };

  constructor(
    private readonly netlink: RouteNetlink,
    /**
     * How long a batch waits for more deletes to join it: long enough for the engine to answer a finished
     * batch's callers with their successors (a gRPC round trip), short beside a grace period (~20 ms).
     */
    private readonly gatherMilliseconds = 4,
  ) {}

  delete(request: DeleteRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      if (!this.running) this.timer ??= setTimeout(() => void this.drain(), this.gatherMilliseconds);
    });
  }

  /**
   * Deletes batch after batch until the queue is empty. The kernel's wait runs on a worker thread, so the
   * deletes that arrive while one batch is in the kernel form the next batch: under load, batches grow to
   * whatever the engine keeps in flight.
   */
  private async drain(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        if (this.statistics.batches > 0) await delay(this.gatherMilliseconds);
        const batch = this.queue;
        this.queue = [];
        this.statistics.batches++;
        this.statistics.devices += batch.length;
        this.statistics.largestBatch = Math.max(this.statistics.largestBatch, batch.length);
        try {
          await (batch.length === 1 ? this.deleteOne(batch[0] as Pending) : this.deleteAsGroup(batch));
        } catch (error) {
          // Unexpected (a codec or socket failure): every caller still hears of it.
          for (const request of batch) request.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async deleteOne(request: Pending): Promise<void> {
    const outcome = await this.deletedOrAnswered(this.netlink.deleteLinkOnWorker(request.index, request.context), [request]);
    if (outcome.error === undefined) request.resolve();
    else request.reject(outcome.error);
  }

  private async deleteAsGroup(batch: Pending[]): Promise<void> {
    const group = randomGroup();
    const results = this.netlink.batch(
      batch.map((request) => ({
        type: RTM_NEWLINK,
        payload: setLinkPayload(request.index, { kind: "group", group }),
        context: { ...request.context, step: `set group ${group} (to delete it in one batch)` },
      })),
    );
    const grouped: Pending[] = [];
    results.forEach((result, i) => {
      const request = batch[i];
      if (request === undefined) return;
      if (result.ok) grouped.push(request);
      else if (result.error instanceof NoSuchDeviceError) request.resolve(); // already gone
      else request.reject(result.error);
    });
    if (grouped.length === 0) return;
    if (!this.groupHoldsExactly(group, grouped)) {
      for (const request of grouped) await this.deleteOne(request);
      return;
    }
    const kernel = this.netlink.deleteLinkGroupOnWorker(group, { operation: `delete ${grouped.length} devices`, step: "" });
    const outcome = await this.deletedOrAnswered(kernel, grouped);
    if (outcome.error === undefined) {
      for (const request of grouped) request.resolve();
      return;
    }
    if (!(outcome.error instanceof KernelError)) throw outcome.error;
    // Let each device report its own cause.
    for (const request of grouped) await this.deleteOne(request);
  }

  /**
   * Settles as soon as the devices have left the namespace, or when the kernel answers the delete, whichever
   * comes first. Once unlisted, a device is deleted for everyone who looks (its name is free, nothing lists
   * it); the kernel then only waits out the grace period, which refuses nothing any more. Answering there
   * spares each caller that wait and lets the next batch start during it.
   */
  private async deletedOrAnswered(kernel: Promise<void>, requests: readonly Pending[]): Promise<{ error?: unknown }> {
    let settled = false;
    const answered = kernel.then(
      () => ({}),
      (error: unknown) => ({ error }),
    );
    const outcome = await Promise.race([answered, this.whenGone(requests, () => settled).then(() => ({}))]);
    settled = true;
    return outcome;
  }

  /**
   * Resolves once none of the devices is in the namespace any more. The kernel unlists a batch a few
   * milliseconds into RTM_DELLINK and then waits for an RCU grace period (~20 ms) before it answers; from
   * the namespace's point of view the devices are deleted as soon as they are unlisted. Stops polling once
   * the acknowledgement has come (the race is then decided without it).
   */
  private async whenGone(requests: readonly Pending[], stop: () => boolean): Promise<void> {
    const first = requests[0];
    if (first === undefined) return;
    while (!stop()) {
      await delay(1);
      if (stop()) return;
      // All of a batch is unlisted together: watch one, then confirm all.
      if (this.netlink.linkExists(first.index, first.context.operation)) continue;
      if (requests.every((request) => !this.netlink.linkExists(request.index, request.context.operation))) return;
    }
  }

  private groupHoldsExactly(group: number, requests: readonly Pending[]): boolean {
    return groupHoldsExactly(this.netlink, group, requests);
  }
}

function groupHoldsExactly(netlink: RouteNetlink, group: number, requests: readonly DeleteRequest[]): boolean {
  const members = netlink.indexesInGroup(group, "confirm delete batch");
  const expected = new Set(requests.map((request) => request.index));
  return members.length === expected.size && members.every((index) => expected.has(index));
}

/**
 * Deletes these devices of one namespace together, now: the same link-group batch as LinkTeardown (one
 * RTM_DELLINK, one grace period), sent from this thread, which waits for the kernel's answer — for one caller
 * that has many devices to delete at once, as one step of its own (a pool of devices shrinking). A device
 * already gone counts as deleted; a group that cannot be confirmed falls back to deleting device by device.
 */
export function deleteLinksTogether(netlink: RouteNetlink, requests: readonly DeleteRequest[], operation: string): void {
  if (requests.length <= 1) {
    for (const request of requests) netlink.deleteLink(request.index, request.context);
    return;
  }
  const group = randomGroup();
  const results = netlink.batch(
    requests.map((request) => ({
      type: RTM_NEWLINK,
      payload: setLinkPayload(request.index, { kind: "group", group }),
      context: { ...request.context, step: `set group ${group} (to delete it in one batch)` },
    })),
  );
  const grouped: DeleteRequest[] = [];
  const refused: unknown[] = [];
  requests.forEach((request, i) => {
    const result = results[i];
    if (result === undefined || result.ok) grouped.push(request);
    else if (!(result.error instanceof NoSuchDeviceError)) refused.push(result.error);
  });
  if (grouped.length > 0 && groupHoldsExactly(netlink, group, grouped)) {
    netlink.request({ type: RTM_DELLINK, payload: deleteLinkGroupPayload(group), context: { operation, step: `RTM_DELLINK group ${group} (${grouped.length} devices)` } });
  } else {
    for (const request of grouped) netlink.deleteLink(request.index, request.context);
  }
  // The others are gone; the first refusal speaks for those that are not.
  if (refused.length > 0) throw refused[0];
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * A random group in a range nobody numbers by hand. It is not checked for prior use up front: the
 * confirmation dump that follows would see any device already in it and cancel the group delete.
 */
function randomGroup(): number {
  return GROUP_BASE + Math.floor(Math.random() * GROUP_SPAN);
}

const teardowns = new WeakMap<RouteNetlink, LinkTeardown>();

/** The teardown queue of a namespace's client: deletes in one namespace batch together. */
export function teardownFor(netlink: RouteNetlink): LinkTeardown {
  let teardown = teardowns.get(netlink);
  if (teardown === undefined) {
    teardown = new LinkTeardown(netlink);
    teardowns.set(netlink, teardown);
  }
  return teardown;
}
