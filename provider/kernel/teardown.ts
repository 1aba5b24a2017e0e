// Batched teardown: deletes that arrive together leave the kernel together.
//
// Unregistering a network device waits for an RCU grace period (~16–30 ms), and a single RTM_DELLINK pays
// it once however many devices it removes when it names a link group. The Pulumi engine sends deletes
// concurrently (up to --parallel in flight) into one provider process, so each delete waits here for a
// moment, and every delete queued by then goes out as one batch:
//   1. move each device, by ifindex, into a random link group in a range nobody uses;
//   2. confirm that the group holds exactly those devices (nothing else could be caught in it);
//   3. RTM_DELLINK that group: one kernel batch, one grace period.
// Every caller gets its own outcome. A device that vanished on its own counts as deleted; a batch that
// cannot be confirmed falls back to deleting device by device, so a group delete never removes anything
// that was not asked for.
import { type ErrorContext, KernelError, NoSuchDeviceError } from "./errors";
import { RTM_NEWLINK } from "./netlink/constants";
import { setLinkPayload } from "./netlink/link";
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
  readonly statistics: TeardownStatistics = { batches: 0, devices: 0, largestBatch: 0 };

  constructor(
    private readonly netlink: RouteNetlink,
    /** How long the first delete of a batch waits for others to join it. */
    private readonly gatherMilliseconds = 2,
  ) {}

  delete(request: DeleteRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), this.gatherMilliseconds);
    });
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.statistics.batches++;
    this.statistics.devices += batch.length;
    this.statistics.largestBatch = Math.max(this.statistics.largestBatch, batch.length);
    if (batch.length === 1) {
      const [only] = batch as [Pending];
      this.deleteOne(only);
      return;
    }
    this.deleteAsGroup(batch);
  }

  private deleteOne(request: Pending): void {
    try {
      this.netlink.deleteLink(request.index, request.context);
      request.resolve();
    } catch (error) {
      request.reject(error);
    }
  }

  private deleteAsGroup(batch: Pending[]): void {
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
      grouped.forEach((request) => this.deleteOne(request));
      return;
    }
    try {
      this.netlink.deleteLinkGroup(group, { operation: `delete ${grouped.length} devices`, step: "" });
    } catch (error) {
      if (!(error instanceof KernelError)) throw error;
      // Let each device report its own cause.
      grouped.forEach((request) => this.deleteOne(request));
      return;
    }
    grouped.forEach((request) => request.resolve());
  }

  private groupHoldsExactly(group: number, requests: readonly Pending[]): boolean {
    const members = this.netlink.dumpLinks("confirm delete batch").filter((link) => link.group === group);
    const expected = new Set(requests.map((request) => request.index));
    return members.length === expected.size && members.every((link) => expected.has(link.index));
  }
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
