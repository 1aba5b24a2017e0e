// The provider registry (pkg/resource/deploy/providers/registry.go), for the one provider our programs use:
// the default provider of the "pulumi-nodejs" package, i.e. the dynamic-provider host. A provider resource
// is checked (CheckConfig, which the host does not implement: its inputs stand), diffed (DiffConfig, same:
// old outputs against new inputs, never a replacement), created with a fresh UUID or updated, and each of
// those configures the plugin. Resources refer to it as "<urn>::<id>". Deleting it closes the plugin.
//
// The dynamic provider's config is the whole stack config under namespaced keys (deploy/target.go
// GetPackageConfig), secrets marked as such.
import { randomUUID } from "node:crypto";
import { type ProviderHost, startProviderHost } from "../providerHost/host";
import { deepEqual, makeSecret, type Properties, UNKNOWN } from "../wire/properties";
import { parseProviderReference, providerReference, typeOf } from "../wire/urn";
import type { Project } from "./project";
import { type ProviderCall, ResourceProvider } from "./providers";

export const DYNAMIC_PACKAGE = "pulumi-nodejs";

export interface RegistryOptions {
  project: Project;
  engineAddress: string;
  /** Config for the package ("pulumi-nodejs:*" keys), passed to the plugin as PULUMI_CONFIG. */
  packageConfig: Record<string, string>;
  onOutput: (line: string, stream: "stdout" | "stderr") => void;
}

/** The default provider's inputs: every config key, namespaced, secret ones as secrets. */
export function dynamicProviderInputs(config: Record<string, string>, secretKeys: readonly string[]): Properties {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, secretKeys.includes(key) ? makeSecret(value) : value]));
}

export class ProviderRegistry {
  private host: Promise<ProviderHost> | undefined;
  private readonly configured = new Map<string, ResourceProvider>();
  /** Every provider call of the run, in order. */
  readonly calls: ProviderCall[] = [];

  constructor(private readonly options: RegistryOptions) {}

  /** Loading a provider for a provider resource's Check: the plugin is started (once per run). */
  async check(urn: string, olds: Properties, news: Properties): Promise<{ inputs: Properties; failures: { property: string; reason: string }[] }> {
    this.assertDynamic(urn);
    const checked = await (await this.plugin()).checkConfig(urn, olds, news);
    return checked ?? { inputs: news, failures: [] };
  }

  /** DiffConfig is not implemented by the host: the engine compares old outputs and new inputs, and never replaces. */
  diff(oldOutputs: Properties, newInputs: Properties): "some" | "none" {
    return deepEqual(oldOutputs, newInputs) ? "none" : "some";
  }

  /** Create: configure under a new id (the unknown id in a preview). */
  async create(urn: string, inputs: Properties, preview: boolean): Promise<{ id: string; outputs: Properties }> {
    const id = preview ? UNKNOWN : randomUUID();
    await this.configure(urn, id, inputs);
    return { id, outputs: inputs };
  }

  /** Update and Same: configure under the existing id. */
  async configure(urn: string, id: string, inputs: Properties): Promise<void> {
    const host = await this.plugin();
    const protocol = await host.configure({ urn, id, inputs });
    const provider = new ResourceProvider(host, protocol.acceptSecrets, protocol.supportsPreview, this.calls);
    this.configured.set(providerReference(urn, id), provider);
  }

  /** A provider recorded in the old state, for deletes and refreshes of resources the program no longer declares. */
  async ensure(reference: string, oldProviderState: { inputs: Properties } | undefined): Promise<void> {
    if (this.configured.has(reference)) return;
    if (oldProviderState === undefined) throw new Error(`could not find provider ${reference} in old state`);
    const { urn, id } = parseProviderReference(reference);
    await this.configure(urn, id, oldProviderState.inputs);
  }

  get(reference: string): ResourceProvider {
    const provider = this.configured.get(reference);
    if (provider === undefined) throw new Error(`unknown provider '${reference}'`);
    return provider;
  }

  /** Deleting a provider resource unregisters it; the plugin closes with the run. */
  delete(reference: string): void {
    this.configured.delete(reference);
  }

  async close(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    await (await host?.catch(() => undefined))?.close();
  }

  private plugin(): Promise<ProviderHost> {
    this.host ??= startProviderHost({
      programDirectory: this.options.project.programDirectory,
      engineAddress: this.options.engineAddress,
      project: this.options.project.name,
      runtimeOptions: this.options.project.runtimeOptions,
      packageConfig: this.options.packageConfig,
      onOutput: this.options.onOutput,
    });
    return this.host;
  }

  private assertDynamic(urn: string): void {
    const pkg = typeOf(urn).split(":")[2] ?? "";
    if (pkg !== DYNAMIC_PACKAGE) throw new Error(`${urn}: only the ${DYNAMIC_PACKAGE} (dynamic) provider is supported by this engine stand-in`);
  }
}
