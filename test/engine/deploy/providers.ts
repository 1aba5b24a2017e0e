// The engine's side of a resource provider (provider_plugin.go): what it sends and what it makes of the
// answers. The dynamic-provider host accepts no secrets (Configure answers acceptSecrets=false) and does not
// support previews, so the engine unwraps secrets before each call and marks outputs secret again under
// the keys whose inputs were secret; in a preview it does not call Create or Update at all and takes the
// inputs as the planned outputs. Unknowns reach the provider only in a preview (Check, Diff).
import { ProviderCallError, type DiffResult, type ProviderHost } from "../providerHost/host";
import { annotateSecrets, containsUnknowns, deepEqual, forProviderWithoutSecrets, mapProperties, type Properties, withoutUnknowns } from "../wire/properties";

/** One call the engine made to a provider, for tests that check what a command sends. */
export interface ProviderCall {
  method: "Check" | "Diff" | "Create" | "Read" | "Update" | "Delete";
  urn: string;
  /** The input properties that held unknown values (Check and Diff in a preview). */
  unknownInputs: string[];
  /** performance.now() when the call was sent and when its answer came. */
  started: number;
  ended: number;
}

export class ResourceProvider {
  constructor(
    private readonly host: ProviderHost,
    private readonly acceptSecrets: boolean,
    private readonly supportsPreview: boolean,
    /** Where each call is recorded. */
    readonly calls: ProviderCall[] = [],
  ) {}

  /** Records a call with its timing; the record is kept even when the call fails. */
  private async record<T>(method: ProviderCall["method"], urn: string, inputs: Properties, call: () => Promise<T>): Promise<T> {
    const entry: ProviderCall = { method, urn, unknownInputs: Object.keys(inputs).filter((key) => containsUnknowns(inputs[key] ?? null)), started: performance.now(), ended: 0 };
    this.calls.push(entry);
    try {
      return await call();
    } finally {
      entry.ended = performance.now();
    }
  }

  private outgoing(properties: Properties, keepUnknowns: boolean): Properties {
    const plain = this.acceptSecrets ? properties : mapProperties(properties, forProviderWithoutSecrets);
    return keepUnknowns ? plain : mapProperties(plain, withoutUnknowns);
  }

  private incoming(outputs: Properties, inputs: Properties): Properties {
    return this.acceptSecrets ? outputs : annotateSecrets(outputs, inputs);
  }

  /** A partial failure's properties are outputs too: their secrets are re-marked the same way. */
  private partialFailure(error: unknown, inputs: Properties): unknown {
    if (!(error instanceof ProviderCallError) || error.initFailure === undefined) return error;
    return new ProviderCallError(error.method, error.code, error.details, { ...error.initFailure, properties: this.incoming(error.initFailure.properties, inputs) });
  }

  async check(urn: string, olds: Properties, news: Properties, allowUnknowns: boolean, randomSeed: Uint8Array): Promise<{ inputs: Properties; failures: { property: string; reason: string }[] }> {
    const result = await this.record("Check", urn, news, () => this.host.check(urn, this.outgoing(olds, allowUnknowns), this.outgoing(news, allowUnknowns), randomSeed));
    if (!allowUnknowns && Object.values(result.inputs).some(containsUnknowns)) throw new Error(`${urn}: Check returned unknown values outside a preview`);
    return { inputs: this.incoming(result.inputs, news), failures: result.failures };
  }

  /**
   * diffResource (step_generator.go): a provider that cannot tell ("unknown") gets the engine's own
   * comparison of old and new inputs.
   */
  async diff(urn: string, id: string, oldInputs: Properties, oldOutputs: Properties, newInputs: Properties, allowUnknowns: boolean, ignoreChanges: string[]): Promise<DiffResult> {
    const diff = await this.record("Diff", urn, newInputs, () =>
      this.host.diff(urn, id, this.outgoing(oldOutputs, allowUnknowns), this.outgoing(newInputs, allowUnknowns), this.outgoing(oldInputs, allowUnknowns), ignoreChanges),
    );
    if (diff.changes !== "unknown") return diff;
    const changedKeys = [...new Set([...Object.keys(oldInputs), ...Object.keys(newInputs)])].filter((key) => !deepEqual({ v: oldInputs[key] ?? null }, { v: newInputs[key] ?? null }));
    return { ...diff, changes: changedKeys.length > 0 ? "some" : "none", changedKeys };
  }

  /** In a preview of a provider without preview support, the inputs stand for the outputs and no call is made. */
  async create(urn: string, inputs: Properties, preview: boolean): Promise<{ id: string; outputs: Properties }> {
    if (preview && !this.supportsPreview) return { id: "", outputs: inputs };
    const created = await this.record("Create", urn, inputs, () => this.host.create(urn, this.outgoing(inputs, false))).catch((error: unknown) => {
      throw this.partialFailure(error, inputs);
    });
    if (created.id === "") throw new Error(`plugin returned empty resource.ID from create '${urn}'`);
    return { id: created.id, outputs: this.incoming(created.properties, inputs) };
  }

  async update(urn: string, id: string, oldInputs: Properties, oldOutputs: Properties, newInputs: Properties, preview: boolean, ignoreChanges: string[]): Promise<Properties> {
    if (preview && !this.supportsPreview) return newInputs;
    const outputs = await this.record("Update", urn, newInputs, () =>
      this.host.update(urn, id, this.outgoing(oldOutputs, false), this.outgoing(newInputs, false), this.outgoing(oldInputs, false), { ignoreChanges }),
    ).catch((error: unknown) => {
      throw this.partialFailure(error, newInputs);
    });
    return this.incoming(outputs, newInputs);
  }

  async read(urn: string, id: string, inputs: Properties, outputs: Properties): Promise<{ id: string; outputs: Properties; inputs?: Properties }> {
    const read = await this.record("Read", urn, inputs, () => this.host.read(urn, id, this.outgoing(outputs, false), this.outgoing(inputs, false)));
    const result: { id: string; outputs: Properties; inputs?: Properties } = { id: read.id, outputs: this.incoming(read.properties, outputs) };
    if (read.inputs !== undefined) result.inputs = this.incoming(read.inputs, inputs);
    return result;
  }

  async delete(urn: string, id: string, inputs: Properties, outputs: Properties): Promise<void> {
    await this.record("Delete", urn, inputs, () => this.host.delete(urn, id, this.outgoing(outputs, false), this.outgoing(inputs, false)));
  }
}
