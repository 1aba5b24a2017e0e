// What a resource class's constructor does around the SDK's registration of the resource (program side).
//
// No promise stacks. The SDK captures a stack trace for every promise it makes while it registers a resource —
// four per property (runtime/rpc.ts transferProperties → runtime/debuggable.ts debuggablePromise,
// `new Error().stack`) — and reads them only for the report PULUMI_DEBUG_PROMISE_LEAKS prints. In a TypeScript
// program every capture is formatted frame by frame by ts-node's source-map-support: registering a TapInterface
// (21 properties) cost ~10 ms of the program's CPU, 95 % of it in those stacks, all of it before the program's
// next resource — at 1,000 resources the engine saw the first one 20 s after start. While the constructor
// registers, stacks are captured with the limit at 0 (unless PULUMI_DEBUG_PROMISE_LEAKS is set). The resource's
// source position is unaffected: the SDK captures it with its own unlimited limit (resource.ts,
// Resource.callsites).

/** Started as a resource class's constructor calls super(), ended (in `finally`) once it returns or throws. */
export class Registration {
  private readonly limit = Error.stackTraceLimit;
  private ended = false;

  constructor() {
    if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    Error.stackTraceLimit = this.limit;
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
