// A client for Pulumi's real Node.js dynamic-provider host (`pulumi-resource-pulumi-nodejs`, shipped inside
// @pulumi/pulumi), started as the engine starts a plugin and called one provider method at a time, which the CLI
// gives no handle on (see test/engine/README.md). Values go over the wire as they are given.
//
// The host needs no engine to talk back to: it takes the engine's address as its argument but never dials it
// (@pulumi/pulumi cmd/dynamic-provider/index.ts: main checks the argument is there; the provider methods log
// through the console), so none is started.
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { call, channelOptions, fromStruct, toStruct } from "./grpc";
import { type PluginProcess, spawnPlugin } from "./process";
import type { CheckResult, ConfigureResult, DiffResult, Properties } from "./types";

/** The engine address the host is given: it must be an address, and nothing ever connects to it. */
const UNUSED_ENGINE_ADDRESS = "127.0.0.1:1";

export interface ProviderHostOptions {
  /** The program directory: the host runs there and `__provider` code resolves modules from it. */
  programDirectory: string;
  /** The project name (PULUMI_PROJECT, PULUMI_NODEJS_PROJECT). Default "project". */
  project?: string;
  /** The project's runtime options, passed as PULUMI_RUNTIME_<NAME> (e.g. typescript: true). */
  runtimeOptions?: Record<string, unknown>;
  /** Lines the host writes to stdout after its port, and to stderr. Default: forwarded to this stderr. */
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
}

/** The plugin script, found from the program directory as the engine finds plugins on its path. */
function dynamicProviderPluginPath(programDirectory: string): string {
  const packageJson = require.resolve("@pulumi/pulumi/package.json", { paths: [programDirectory] });
  return join(dirname(packageJson), "pulumi-resource-pulumi-nodejs");
}

/** Starts the host and connects to it. */
export async function startProviderHost(options: ProviderHostOptions): Promise<ProviderHost> {
  const project = options.project ?? "project";
  const runtimeEnv = Object.fromEntries(
    Object.entries(options.runtimeOptions ?? {}).map(([key, value]) => [`PULUMI_RUNTIME_${key.toUpperCase()}`, String(value)]),
  );
  const plugin = await spawnPlugin({
    executable: dynamicProviderPluginPath(options.programDirectory),
    args: [UNUSED_ENGINE_ADDRESS],
    cwd: options.programDirectory,
    env: { ...process.env, ...runtimeEnv, PULUMI_NODEJS_PROJECT: project, PULUMI_PROJECT: project },
    onOutput: options.onOutput ?? ((line: string) => process.stderr.write(`[provider host] ${line}\n`)),
  });
  try {
    const client = new ResourceProviderClient(`127.0.0.1:${plugin.port}`, grpc.credentials.createInsecure(), channelOptions);
    await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 30000, (error) => (error ? reject(error) : resolve())));
    return new ProviderHost(client, plugin);
  } catch (error) {
    await plugin.kill();
    throw error;
  }
}

/** A resource's type and name, from its URN: urn:pulumi:<stack>::<project>::<type>::<name> (a name may hold "::"). */
function typeAndName(urn: string): { type: string; name: string } {
  const [, , type = "", ...name] = urn.slice("urn:pulumi:".length).split("::");
  return { type, name: name.join("::") };
}

export class ProviderHost {
  constructor(
    private readonly client: ResourceProviderClient,
    private readonly plugin: PluginProcess,
  ) {}

  /** The process id of the plugin script; its process group holds the host. */
  get pid(): number {
    return this.plugin.child.pid ?? -1;
  }

  /** Configure, as the engine configures the default provider of dynamic resources: `inputs` are its inputs. */
  async configure(request: { urn: string; id: string; inputs: Properties }): Promise<ConfigureResult> {
    const { type, name } = typeAndName(request.urn);
    const message = new providerProto.ConfigureRequest()
      .setUrn(request.urn)
      .setName(name)
      .setType(type)
      .setId(request.id)
      .setArgs(toStruct(request.inputs))
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSendsOldInputs(true)
      .setSendsOldInputsToDelete(true);
    const response = await call(this.client, this.client.configure, message);
    return { acceptSecrets: response.getAcceptsecrets(), acceptResources: response.getAcceptresources(), supportsPreview: response.getSupportspreview() };
  }

  async check(urn: string, olds: Properties, news: Properties, randomSeed: Uint8Array = new Uint8Array(32)): Promise<CheckResult> {
    const { type, name } = typeAndName(urn);
    const message = new providerProto.CheckRequest().setUrn(urn).setName(name).setType(type).setOlds(toStruct(olds)).setNews(toStruct(news)).setRandomseed(randomSeed);
    const response = await call(this.client, this.client.check, message);
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
    };
  }

  async diff(urn: string, id: string, oldOutputs: Properties, newInputs: Properties, oldInputs: Properties = {}, ignoreChanges: string[] = []): Promise<DiffResult> {
    const { type, name } = typeAndName(urn);
    const message = new providerProto.DiffRequest()
      .setId(id)
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setOldInputs(toStruct(oldInputs))
      .setOlds(toStruct(oldOutputs))
      .setNews(toStruct(newInputs))
      .setIgnorechangesList(ignoreChanges);
    const response = await call(this.client, this.client.diff, message);
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
    const { type, name } = typeAndName(urn);
    const message = new providerProto.CreateRequest()
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setProperties(toStruct(properties))
      .setTimeout(options.timeoutSeconds ?? 0)
      .setPreview(options.preview ?? false);
    const response = await call(this.client, this.client.create, message);
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  /** Read; `id` is "" in the answer when the resource is gone. `inputs` is set only when the provider sent some. */
  async read(urn: string, id: string, properties: Properties, inputs: Properties = {}): Promise<{ id: string; properties: Properties; inputs?: Properties }> {
    const { type, name } = typeAndName(urn);
    const message = new providerProto.ReadRequest().setId(id).setUrn(urn).setName(name).setType(type).setProperties(toStruct(properties)).setInputs(toStruct(inputs));
    const response = await call(this.client, this.client.read, message);
    const result: { id: string; properties: Properties; inputs?: Properties } = { id: response.getId(), properties: fromStruct(response.getProperties()) };
    if (response.getInputs() !== undefined) result.inputs = fromStruct(response.getInputs());
    return result;
  }

  async update(urn: string, id: string, oldOutputs: Properties, newInputs: Properties, oldInputs: Properties = {}, options: { timeoutSeconds?: number; ignoreChanges?: string[] } = {}): Promise<Properties> {
    const { type, name } = typeAndName(urn);
    const message = new providerProto.UpdateRequest()
      .setId(id)
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setOlds(toStruct(oldOutputs))
      .setNews(toStruct(newInputs))
      .setOldInputs(toStruct(oldInputs))
      .setTimeout(options.timeoutSeconds ?? 0)
      .setIgnorechangesList(options.ignoreChanges ?? [])
      .setPreview(false);
    const response = await call(this.client, this.client.update, message);
    return fromStruct(response.getProperties());
  }

  async delete(urn: string, id: string, oldOutputs: Properties, oldInputs: Properties = {}, options: { timeoutSeconds?: number } = {}): Promise<void> {
    const { type, name } = typeAndName(urn);
    const message = new providerProto.DeleteRequest()
      .setId(id)
      .setUrn(urn)
      .setName(name)
      .setType(type)
      .setProperties(toStruct(oldOutputs))
      .setOldInputs(toStruct(oldInputs))
      .setTimeout(options.timeoutSeconds ?? 0);
    await call(this.client, this.client.delete, message);
  }

  /** Closes the connection and ends the host's process group. */
  async close(): Promise<void> {
    this.client.close();
    await this.plugin.kill();
  }
}
