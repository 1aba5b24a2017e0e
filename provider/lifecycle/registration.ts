// What a resource class's constructor does around the SDK's registration of the resource (program side).
//
// 1. No promise stacks. The SDK captures a stack trace for every promise it makes while it registers a
//    resource — four per property (runtime/rpc.ts transferProperties → runtime/debuggable.ts debuggablePromise,
//    `new Error().stack`) — and reads them only for the report PULUMI_DEBUG_PROMISE_LEAKS prints. In a
//    TypeScript program every capture is formatted frame by frame by ts-node's source-map-support: registering a
//    TapInterface (21 properties) cost ~10 ms of the program's CPU, 95 % of it in those stacks, all of it before
//    the program's next resource — at 1,000 resources the engine saw the first one 20 s after start. While the
//    constructor registers, stacks are captured with the limit at 0 (unless PULUMI_DEBUG_PROMISE_LEAKS is set).
//    The resource's source position is unaffected: the SDK captures it with its own unlimited limit
//    (resource.ts, Resource.callsites).
// 2. The user's line as the source position. The SDK takes the frame below the concrete resource class's
//    constructor as the place a resource was declared (Resource.stackTrace(4): Resource → CustomResource →
//    the class → the user's code). A dynamic resource class is one level deeper (→ dynamic.Resource → ours), so
//    every state recorded our own constructor as the place, and one frame more. That one stack is read without
//    our constructor's frame.
import { dirname } from "node:path";

/** Frames of constructors in files under provider/resources (the resource classes) are ours. */
const resourceClasses = `${dirname(__dirname)}/resources/`;

type PrepareStackTrace = (error: Error, callSites: NodeJS.CallSite[]) => unknown;

/** How V8 formats a stack when no formatter is set (Node ≥ 22 sets its own, which maps source maps when enabled). */
function formatStack(error: Error, callSites: readonly NodeJS.CallSite[]): string {
  return `${String(error)}${callSites.map((site) => `\n    at ${String(site)}`).join("")}`;
}

/** The stack Resource.callsites() reads: its first frame is that method. */
function isSourcePositionStack(callSites: readonly NodeJS.CallSite[]): boolean {
  return callSites[0]?.getFunctionName() === "callsites";
}

function isResourceClassFrame(site: NodeJS.CallSite): boolean {
  return site.isConstructor() && (site.getFileName() ?? "").startsWith(resourceClasses);
}

/** Started as a resource class's constructor calls super(), ended (in `finally`) once it returns or throws. */
export class Registration {
  private readonly limit = Error.stackTraceLimit;
  private readonly prepare = Error.prepareStackTrace as PrepareStackTrace | undefined;
  private ended = false;

  constructor() {
    if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
    const previous = this.prepare ?? formatStack;
    Error.prepareStackTrace = (error: Error, callSites: NodeJS.CallSite[]) =>
      previous(error, isSourcePositionStack(callSites) ? callSites.filter((site) => !isResourceClassFrame(site)) : callSites);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    Error.stackTraceLimit = this.limit;
    (Error as { prepareStackTrace?: PrepareStackTrace }).prepareStackTrace = this.prepare;
  }

  /**
   * For a synchronous throw out of super(): its stack was captured without frames, so it gets the stack from
   * the `new` of the resource (`resourceClass`, new.target) down, as a stack of the caller's.
   */
  failed(error: unknown, resourceClass: Function): unknown {
    this.end();
    if (error instanceof Error && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.captureStackTrace(error, resourceClass);
    return error;
  }
}
