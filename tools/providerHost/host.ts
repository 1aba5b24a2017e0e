// A client for Pulumi's real Node.js dynamic-provider host (`pulumi-resource-pulumi-nodejs`, shipped inside
// @pulumi/pulumi), started and spoken to as the engine does (provider_plugin.go NewProvider and the
// provider methods). Values go over the wire as they are given: it is the caller's job to strip secrets the
// host cannot accept, as the engine does.
//
// Used by test/engine/providerHost.test.ts, test/reliability/concurrency.test.ts and the benchmark.
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { call, channelOptions, fromStruct, isUnimplemented, toStruct, type UnaryMethod } from "./grpc";
import { forProviderWithoutSecrets, type Properties } from "./properties";
import { nameOf, typeOf } from "./urn";
import { type EngineService, startEngineService } from "./engineService";
import { providerCallError } from "./callError";
import { type PluginProcess, spawnPlugin } from "./process";
import type { CheckResult, ConfigureResult, DiffResult } from "./types";

export { ProviderCallError } from "./callError";
export type { CheckFailure, CheckResult, ConfigureResult, DiffChanges, DiffResult } from "./types";

export interface ProviderHostOptions {
  /** The program directory: the host runs there and `__provider` code resolves modules from it. */
  programDirectory: string;
  /** The Engine service address given to the plugin; a private Engine service is started when absent. */
  engineAddress?: string;
  /** The project name (PULUMI_PROJECT, PULUMI_NODEJS_PROJECT). Default "project". */
  project?: string;
  /** The project's runtime options, passed as PULUMI_RUNTIME_<NAME> (e.g. typescript: true). */
  runtimeOptions?: Record<string, unknown>;
  /** Stack config for the plugin's package ("pulumi-nodejs:*" keys), as the PULUMI_CONFIG JSON. */
  packageConfig?: Record<string, string>;
  /** Extra environment. */
  env?: NodeJS.ProcessEnv;
  /** Lines the host writes to stdout after its port, and to stderr. Default: forwarded to this stderr. */
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
}

/** The plugin script, found from the program directory as the engine finds plugins on its path. */
export function dynamicProviderPluginPath(programDirectory: string): string {
  const packageJson = require.resolve("@pulumi/pulumi/package.json", { paths: [programDirectory] });
  return join(dirname(packageJson), "pulumi-resource-pulumi-nodejs");
}

/** Starts the host, connects, and does the bring-up the engine does before Configure. */
export async function startProviderHost(options: ProviderHostOptions): Promise<ProviderHost> {
  const ownEngine = options.engineAddress === undefined ? await startEngineService() : undefined;
  const engineAddress = options.engineAddress ?? ownEngine!.address;
  const project = options.project ?? "project";
  const runtimeEnv = Object.fromEntries(
    Object.entries(options.runtimeOptions ?? {}).map(([key, value]) => [`PULUMI_RUNTIME_${key.toUpperCase()}`, String(value)]),
  );
  const onOutput = options.onOutput ?? ((line: string) => process.stderr.write(`[provider host] ${line}\n`));
  let plugin: PluginProcess | undefined;
  try {
    plugin = await spawnPlugin({
      executable: dynamicProviderPluginPath(options.programDirectory),
      args: [engineAddress],
      cwd: options.programDirectory,
      env: {
        ...process.env,
        ...runtimeEnv,
        PULUMI_NODEJS_PROJECT: project,
        PULUMI_PROJECT: project,
        PULUMI_CONFIG: JSON.stringify(options.packageConfig ?? {}),
        ...options.env,
      },
      onOutput,
    });
    const client = new ResourceProviderClient(`127.0.0.1:${plugin.port}`, grpc.credentials.createInsecure(), channelOptions);
    await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 30000, (error) => (error ? reject(error) : resolve())));
    const host = new ProviderHost(client, plugin, ownEngine);
    await host.bringUp(engineAddress, options.programDirectory);
    return host;
  } catch (error) {
    await plugin?.kill();
    await ownEngine?.close();
    throw error;
  }
}

export class ProviderHost {
  /** The plugin's version (GetPluginInfo): the @pulumi/pulumi version. */
  version = "";
  /** What Configure answered; undefined until configured. */
  protocol: ConfigureResult | undefined;

  constructor(
    private readonly client: ResourceProviderClient,
    private readonly plugin: PluginProcess,
    private readonly ownEngine: EngineService | undefined,
  ) {}

  /** The process id of the plugin script; its process group holds the host. */
  get pid(): number {
    return this.plugin.child.pid ?? -1;
  }

  /** Handshake (the Node host does not implement it: the engine falls back to Configure) and GetPluginInfo. */
  async bringUp(engineAddress: string, programDirectory: string): Promise<void> {
    const handshake = new providerProto.ProviderHandshakeRequest()
      .setEngineAddress(engineAddress)
      .setRootDirectory(programDirectory)
      .setProgramDirectory(programDirectory)
      .setConfigureWithUrn(true)
      .setSupportsViews(true)
      .setSupportsRefreshBeforeUpdate(true)
      .setInvokeWithPreview(true)
      .setAcceptsByteString(true);
    try {
      await call(this.client, this.client.handshake, handshake);
      throw new Error("the dynamic provider host implements Handshake now: this client does not know that protocol");
    } catch (error) {
      if (!isUnimplemented(error)) throw error;
    }
    const info = await call(this.client, this.client.getPluginInfo, new Empty());
    this.version = info.getVersion();
  }

  /**
   * Configure, as the engine configures a default provider: `inputs` are the provider resource's inputs
   * (for dynamic providers, the whole stack config under namespaced keys), secrets kept.
   */
  async configure(request: { urn: string; id: string; inputs: Properties }): Promise<ConfigureResult> {
    const message = new providerProto.ConfigureRequest()
      .setUrn(request.urn)
      .setName(nameOf(request.urn))
      .setType(typeOf(request.urn))
      .setId(request.id)
      .setArgs(toStruct(request.inputs))
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSendsOldInputs(true)
      .setSendsOldInputsToDelete(true);
    const variables = message.getVariablesMap();
    const pkg = typeOf(request.urn).split(":")[2] ?? "";
    for (const [key, value] of Object.entries(request.inputs)) {
      if (key === "version") continue;
      const plain = forProviderWithoutSecrets(value);
      variables.set(`${pkg}:config:${key}`, typeof plain === "string" ? plain : JSON.stringify(plain));
    }
    const response = await call(this.client, this.client.configure, message);
    this.protocol = {
      acceptSecrets: response.getAcceptsecrets(),
      acceptResources: response.getAcceptresources(),
      supportsPreview: response.getSupportspreview(),
    };
    return this.protocol;
  }

  /** CheckConfig; undefined when the provider does not implement it (the engine then takes the news as they are). */
  async checkConfig(urn: string, olds: Properties, news: Properties): Promise<CheckResult | undefined> {
    const message = new providerProto.CheckRequest().setUrn(urn).setName(nameOf(urn)).setType(typeOf(urn)).setOlds(toStruct(olds)).setNews(toStruct(news));
    try {
      return checkResult(await call(this.client, this.client.checkConfig, message));
    } catch (error) {
      if (isUnimplemented(error)) return undefined;
      throw error;
    }
  }

  async check(urn: string, olds: Properties, news: Properties, randomSeed: Uint8Array = new Uint8Array(32)): Promise<CheckResult> {
    const message = new providerProto.CheckRequest()
      .setUrn(urn)
      .setName(nameOf(urn))
      .setType(typeOf(urn))
      .setOlds(toStruct(olds))
      .setNews(toStruct(news))
      .setRandomseed(randomSeed);
    return checkResult(await this.invoke("Check", this.client.check, message));
  }

  async diff(urn: string, id: string, oldOutputs: Properties, newInputs: Properties, oldInputs: Properties = {}, ignoreChanges: string[] = []): Promise<DiffResult> {
    const message = new providerProto.DiffRequest()
      .setId(id)
      .setUrn(urn)
      .setName(nameOf(urn))
      .setType(typeOf(urn))
      .setOldInputs(toStruct(oldInputs))
      .setOlds(toStruct(oldOutputs))
      .setNews(toStruct(newInputs))
      .setIgnorechangesList(ignoreChanges);
    const response = await this.invoke("Diff", this.client.diff, message);
    const changes = response.getChanges();
    const DiffChanges = providerProto.DiffResponse.DiffChanges;
    return {
      changes: changes === DiffChanges.DIFF_SOME ? "some" : changes === DiffChanges.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      stables: response.getStablesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
      changedKeys: response.getDiffsList(),
    };
  }

  async create(urn: string, properties: Properties, options: { timeoutSeconds?: number; preview?: boolean } = {}): Promise<{ id: string; properties: Properties }> {
    const message = new providerProto.CreateRequest()
      .setUrn(urn)
      .setName(nameOf(urn))
      .setType(typeOf(urn))
      .setProperties(toStruct(properties))
      .setTimeout(options.timeoutSeconds ?? 0)
      .setPreview(options.preview ?? false);
    const response = await this.invoke("Create", this.client.create, message);
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  /** Read; `id` is "" in the answer when the resource is gone. `inputs` is set only when the provider sent some. */
  async read(urn: string, id: string, properties: Properties, inputs: Properties = {}): Promise<{ id: string; properties: Properties; inputs?: Properties }> {
    const message = new providerProto.ReadRequest()
      .setId(id)
      .setUrn(urn)
      .setName(nameOf(urn))
      .setType(typeOf(urn))
      .setProperties(toStruct(properties))
      .setInputs(toStruct(inputs));
    const response = await this.invoke("Read", this.client.read, message);
    const result: { id: string; properties: Properties; inputs?: Properties } = { id: response.getId(), properties: fromStruct(response.getProperties()) };
    if (response.getInputs() !== undefined) result.inputs = fromStruct(response.getInputs());
    return result;
  }

  async update(urn: string, id: string, oldOutputs: Properties, newInputs: Properties, oldInputs: Properties = {}, options: { timeoutSeconds?: number; ignoreChanges?: string[] } = {}): Promise<Properties> {
    const message = new providerProto.UpdateRequest()
      .setId(id)
      .setUrn(urn)
      .setName(nameOf(urn))
      .setType(typeOf(urn))
      .setOlds(toStruct(oldOutputs))
      .setNews(toStruct(newInputs))
      .setOldInputs(toStruct(oldInputs))
      .setTimeout(options.timeoutSeconds ?? 0)
      .setIgnorechangesList(options.ignoreChanges ?? [])
      .setPreview(false);
    const response = await this.invoke("Update", this.client.update, message);
    return fromStruct(response.getProperties());
  }

  async delete(urn: string, id: string, oldOutputs: Properties, oldInputs: Properties = {}, options: { timeoutSeconds?: number } = {}): Promise<void> {
    const message = new providerProto.DeleteRequest()
      .setId(id)
      .setUrn(urn)
      .setName(nameOf(urn))
      .setType(typeOf(urn))
      .setProperties(toStruct(oldOutputs))
      .setOldInputs(toStruct(oldInputs))
      .setTimeout(options.timeoutSeconds ?? 0);
    await this.invoke("Delete", this.client.delete, message);
  }

  /** Closes the connection and ends the host's process group (and the private Engine service, if any). */
  async close(): Promise<void> {
    this.client.close();
    await this.plugin.kill();
    await this.ownEngine?.close();
  }

  private async invoke<Request, Response>(method: string, fn: UnaryMethod<Request, Response>, request: Request): Promise<Response> {
    try {
      return await call(this.client, fn, request);
    } catch (error) {
      throw providerCallError(method, error);
    }
  }
}

function checkResult(response: providerProto.CheckResponse): CheckResult {
  return {
    inputs: fromStruct(response.getInputs()),
    failures: response.getFailuresList().map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
  };
}
