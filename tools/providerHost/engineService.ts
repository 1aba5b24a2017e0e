// The engine's Engine gRPC service (engine.proto), which programs and plugins call back into: Log (diagnostics
// for the run's output), and the root resource the SDK registers its stack under.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EngineService as EngineServiceDefinition, type IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import { channelOptions, listen, shutdown, StatusError, unary } from "./grpc";

export type Severity = "debug" | "info" | "warning" | "error";

export interface Diagnostic {
  severity: Severity;
  message: string;
  urn: string;
}

export interface EngineService {
  readonly address: string;
  /** Everything logged so far, in order. */
  readonly diagnostics: Diagnostic[];
  rootResource: string;
  close(): Promise<void>;
}

const SEVERITIES: Record<engineProto.LogSeverity, Severity> = {
  [engineProto.LogSeverity.DEBUG]: "debug",
  [engineProto.LogSeverity.INFO]: "info",
  [engineProto.LogSeverity.WARNING]: "warning",
  [engineProto.LogSeverity.ERROR]: "error",
};

export async function startEngineService(onDiagnostic?: (diagnostic: Diagnostic) => void): Promise<EngineService> {
  const server = new grpc.Server(channelOptions);
  const service: EngineService = {
    address: "",
    diagnostics: [],
    rootResource: "",
    close: () => shutdown(server),
  };
  const implementation: IEngineServer = {
    log: unary(async (request: engineProto.LogRequest) => {
      const diagnostic: Diagnostic = { severity: SEVERITIES[request.getSeverity()], message: request.getMessage(), urn: request.getUrn() };
      service.diagnostics.push(diagnostic);
      onDiagnostic?.(diagnostic);
      return new Empty();
    }),
    getRootResource: unary(async () => new engineProto.GetRootResourceResponse().setUrn(service.rootResource)),
    setRootResource: unary(async (request: engineProto.SetRootResourceRequest) => {
      service.rootResource = request.getUrn();
      return new engineProto.SetRootResourceResponse();
    }),
    startDebugging: unary(async () => {
      throw new StatusError(grpc.status.UNIMPLEMENTED, "debugging is not supported by this engine service");
    }),
    // Any version range is accepted: there is no CLI version to compare it with.
    requirePulumiVersion: unary(async () => new engineProto.RequirePulumiVersionResponse()),
  };
  server.addService(EngineServiceDefinition, implementation);
  return Object.assign(service, { address: await listen(server) });
}
