// A failed provider call, read as the engine reads it (provider_plugin.go parseError): the gRPC status, and
// the ErrorResourceInitFailed detail that a provider sends when the resource exists but did not initialise.
import * as grpc from "@grpc/grpc-js";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { fromStruct } from "./grpc";
import type { Properties } from "./properties";

/**
 * A failed provider call. `initFailure` is set when the provider reported a resource that exists but failed
 * to initialise (ErrorResourceInitFailed): the engine then records it (a partial failure).
 */
export class ProviderCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: grpc.status,
    readonly details: string,
    readonly initFailure?: { id: string; properties: Properties; reasons: string[] },
  ) {
    super(details);
    this.name = "ProviderCallError";
  }
}

/** A gRPC error as the engine reads it (provider_plugin.go parseError): code, message, and init-failure details. */
export function providerCallError(method: string, error: unknown): ProviderCallError {
  const serviceError = error as Partial<grpc.ServiceError>;
  const code = serviceError.code ?? grpc.status.UNKNOWN;
  const details = serviceError.details ?? (error instanceof Error ? error.message : String(error));
  for (const raw of serviceError.metadata?.get("grpc-status-details-bin") ?? []) {
    const status = Status.deserializeBinary(typeof raw === "string" ? Buffer.from(raw, "binary") : raw);
    for (const detail of status.getDetailsList()) {
      if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
      const failed = providerProto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
      return new ProviderCallError(method, code, details, {
        id: failed.getId(),
        properties: fromStruct(failed.getProperties()),
        reasons: failed.getReasonsList(),
      });
    }
  }
  return new ProviderCallError(method, code, details);
}
