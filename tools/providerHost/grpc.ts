// gRPC plumbing for the provider-host client: the message-size limit Pulumi uses, Struct conversion, and unary
// calls as promises.
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Properties } from "./types";

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
