// The ResourceMonitor gRPC service a program talks to (resource.proto; pkg/resource/deploy/source_eval.go).
// It turns each RegisterResource into a goal, hands it to the deployment and answers once the resource's
// step has completed; features are advertised as the real engine advertises them, and requests that use
// what this stand-in does not implement fail loudly instead of being ignored.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { type IResourceMonitorServer, ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { channelOptions, fromStruct, listen, shutdown, StatusError, toStruct, unary } from "../wire/grpc";
import { downgradeOutputValues, mapProperties, outputValueDependencies, type Properties } from "../wire/properties";

/** A resource registration as the step generator sees it (resource.Goal). */
export interface Goal {
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  properties: Properties;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** An explicit provider reference, "" for the default provider. */
  provider: string;
  /** The resource option; undefined when the program did not set it (the provider's answer decides). */
  deleteBeforeReplace: boolean | undefined;
  protect: boolean | undefined;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
}

export interface Registered {
  urn: string;
  id: string;
  outputs: Properties;
  failed?: boolean;
}

export interface MonitorHandlers {
  registerResource(goal: Goal): Promise<Registered>;
  registerResourceOutputs(urn: string, outputs: Properties): Promise<void>;
  /** The program has finished registering; resolves when the engine lets it exit. */
  signalAndWaitForShutdown(): Promise<void>;
}

export interface DeploymentInfo {
  project: string;
  stack: string;
  organization: string;
  config: Record<string, string>;
  configSecretKeys: string[];
  dryRun: boolean;
  parallel: number;
}

const Feature = resourceProto.ResourceMonitorFeature;

/** source_eval.go supportsFeatureID / supportedMonitorFeatures. */
const SUPPORTED_FEATURES = new Map<string, resourceProto.ResourceMonitorFeature>([
  ["secrets", Feature.RESOURCE_MONITOR_FEATURE_SECRETS],
  ["resourceReferences", Feature.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES],
  ["outputValues", Feature.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES],
  ["aliasSpecs", Feature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS],
  ["replacementTrigger", Feature.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER],
  ["deletedWith", Feature.RESOURCE_MONITOR_FEATURE_DELETED_WITH],
  ["replaceWith", Feature.RESOURCE_MONITOR_FEATURE_REPLACE_WITH],
  ["transforms", Feature.RESOURCE_MONITOR_FEATURE_TRANSFORMS],
  ["invokeTransforms", Feature.RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS],
  ["parameterization", Feature.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION],
  ["resourceHooks", Feature.RESOURCE_MONITOR_FEATURE_RESOURCE_HOOKS],
  ["errorHooks", Feature.RESOURCE_MONITOR_FEATURE_ERROR_HOOKS],
  ["sendsOptionsToHooks", Feature.RESOURCE_MONITOR_FEATURE_SENDS_OPTIONS_TO_HOOKS],
]);

export interface ResourceMonitor {
  readonly address: string;
  close(): Promise<void>;
}

export async function startResourceMonitor(info: DeploymentInfo, handlers: MonitorHandlers): Promise<ResourceMonitor> {
  const server = new grpc.Server(channelOptions);
  const unsupported = (what: string) =>
    unary(async () => {
      throw new StatusError(grpc.status.UNIMPLEMENTED, `${what} is not supported by this engine stand-in`);
    });
  const implementation: IResourceMonitorServer = {
    supportsFeature: unary(async (request: resourceProto.SupportsFeatureRequest) => new resourceProto.SupportsFeatureResponse().setHassupport(SUPPORTED_FEATURES.has(request.getId()))),
    getDeploymentInfo: unary(async () => {
      const response = new resourceProto.DeploymentInfo()
        .setProject(info.project)
        .setStack(info.stack)
        .setOrganization(info.organization)
        .setConfigsecretkeysList(info.configSecretKeys)
        .setDryrun(info.dryRun)
        .setParallel(info.parallel)
        .setSupportedfeaturesList([...SUPPORTED_FEATURES.values(), Feature.RESOURCE_MONITOR_FEATURE_BYTE_STRING, Feature.RESOURCE_MONITOR_FEATURE_INVOKE_DEPENDS_ON, Feature.RESOURCE_MONITOR_FEATURE_INVOKE_PARENT]);
      for (const [key, value] of Object.entries(info.config)) response.getConfigMap().set(key, value);
      return response;
    }),
    registerResource: unary(async (request: resourceProto.RegisterResourceRequest) => {
      const registered = await handlers.registerResource(goalOf(request));
      return new resourceProto.RegisterResourceResponse()
        .setUrn(registered.urn)
        .setId(registered.id)
        .setObject(toStruct(request.getCustom() ? registered.outputs : {}))
        .setResult(registered.failed === true ? resourceProto.Result.FAIL : resourceProto.Result.SUCCESS);
    }),
    registerResourceOutputs: unary(async (request: resourceProto.RegisterResourceOutputsRequest) => {
      await handlers.registerResourceOutputs(request.getUrn(), mapProperties(fromStruct(request.getOutputs()), downgradeOutputValues));
      return new Empty();
    }),
    signalAndWaitForShutdown: unary(async () => {
      await handlers.signalAndWaitForShutdown();
      return new Empty();
    }),
    invoke: unsupported("Invoke"),
    call: unsupported("Call"),
    readResource: unsupported("ReadResource (resource .get)"),
    existsResource: unsupported("ExistsResource"),
    registerStackTransform: unsupported("transforms"),
    registerStackInvokeTransform: unsupported("invoke transforms"),
    registerResourceHook: unsupported("resource hooks"),
    registerErrorHook: unsupported("error hooks"),
    registerPackage: unsupported("RegisterPackage (parameterized providers)"),
  };
  server.addService(ResourceMonitorService, implementation);
  const address = await listen(server);
  return { address, close: () => shutdown(server) };
}

/** RegisterResource's request as a goal, refusing the options this stand-in does not implement. */
function goalOf(request: resourceProto.RegisterResourceRequest): Goal {
  const refuse = (option: string) => {
    throw new StatusError(grpc.status.UNIMPLEMENTED, `${request.getType()} ${request.getName()}: the ${option} option is not supported by this engine stand-in`);
  };
  if (request.getRemote()) refuse("remote component");
  if (request.getImportid() !== "") refuse("import");
  if (request.getAliasesList().length > 0 || request.getAliasurnsList().length > 0) refuse("aliases");
  if (request.getDeletedwith() !== "") refuse("deletedWith");
  if (request.getReplaceWithList().length > 0) refuse("replaceWith");
  if (request.getRetainondelete() === true) refuse("retainOnDelete");
  if (request.getTransformsList().length > 0) refuse("transforms");
  if (request.getReplacementTrigger() !== undefined) refuse("replacementTrigger");
  if (request.getPackageref() !== "") refuse("package reference");
  if (Object.keys(request.getProvidersMap().toObject()).length > 0) refuse("providers");
  const hooks = request.getHooks()?.toObject();
  if (hooks !== undefined && Object.values(hooks).some((names) => Array.isArray(names) && names.length > 0)) refuse("hooks");

  const properties = mapProperties(fromStruct(request.getObject()), downgradeOutputValues);
  const dependencies = new Set(request.getDependenciesList());
  const propertyDependencies: Record<string, string[]> = {};
  const declared = request.getPropertydependenciesMap();
  if (declared.getLength() === 0) {
    // No per-property information: every property depends on every dependency (source_eval.go).
    for (const key of Object.keys(properties)) propertyDependencies[key] = [...dependencies];
  } else {
    declared.forEach((entry, key) => {
      propertyDependencies[key] = entry.getUrnsList();
    });
  }
  // Output values carry their own dependencies; they count too.
  for (const [key, value] of Object.entries(fromStruct(request.getObject()))) {
    const extra = outputValueDependencies(value);
    if (extra.size > 0) propertyDependencies[key] = [...new Set([...(propertyDependencies[key] ?? []), ...extra])];
  }
  return {
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    parent: request.getParent(),
    properties,
    dependencies: [...dependencies],
    propertyDependencies,
    provider: request.getProvider(),
    deleteBeforeReplace: request.getDeletebeforereplacedefined() || request.getDeletebeforereplace() ? request.getDeletebeforereplace() : undefined,
    protect: request.getProtect(),
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
  };
}
