// gRPC plumbing shared by the engine's servers (ResourceMonitor, Engine) and its provider client: the same
// message-size limit Pulumi uses, Struct conversion, and unary calls as promises.
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Properties } from "./properties";

/** Pulumi's own limit (rpcutil in Go, runtime/settings in Node): 400 MiB messages. */
export const channelOptions: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": 400 * 1024 * 1024,
  "grpc.max_send_message_length": 400 * 1024 * 1024,
};

export function toStruct(properties: Properties): Struct {
  return Struct.fromJavaScript(properties);
}

export function fromStruct(struct: Struct | undefined): Properties {
  return (struct?.toJavaScript() ?? {}) as Properties;
}

export type UnaryMethod<Request, Response> = (
  request: Request,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Response) => void,
) => grpc.ClientUnaryCall;

/** Calls a unary method of a generated client and resolves with its response. */
export function call<Request, Response>(client: grpc.Client, method: UnaryMethod<Request, Response>, request: Request): Promise<Response> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new grpc.Metadata(), {}, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** Binds a server to an ephemeral port on loopback, as Pulumi's plugins and engine do. */
export function listen(server: grpc.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error);
      else resolve(`127.0.0.1:${port}`);
    });
  });
}

export function shutdown(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 2000);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A unary handler from an async function: a thrown error becomes the call's status. */
export function unary<Request, Response>(
  handler: (request: Request) => Promise<Response>,
): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error)),
    );
  };
}

/** An error that carries a gRPC status code, for handlers that must answer with a specific one. */
export class StatusError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

function toServiceError(error: unknown): Partial<grpc.ServiceError> {
  if (error instanceof StatusError) return { code: error.code, details: error.message, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: grpc.status.UNKNOWN, details: message, message };
}

export function isUnimplemented(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === grpc.status.UNIMPLEMENTED;
}
