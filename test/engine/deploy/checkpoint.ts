// The JSON state file between runs, in the format `pulumi stack export` prints (apitype.UntypedDeployment
// version 3 holding a DeploymentV3): the manifest, the passphrase secrets provider, the resources in
// dependency order and the operations that were in flight. Secrets are written as the CLI writes them:
// { "4dabf…": "1b47…", "ciphertext": "v1:…" } holding the encrypted JSON text of the value.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isObject, isSecret, makeSecret, type Properties, SECRET_SIGNATURE, SIGNATURE_KEY, type Value } from "../wire/properties";
import { PassphraseCrypter, type SecretsProviderState } from "./secrets";
import type { OperationType, PendingOperation, ResourceState } from "./state";

export interface Checkpoint {
  resources: ResourceState[];
  pendingOperations: PendingOperation[];
  secretsProvider: SecretsProviderState | undefined;
}

/** The file as JSON: what `pulumi stack export` would print for the same stack. */
export interface ExportedDeployment {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    secrets_providers?: SecretsProviderState;
    resources?: Record<string, unknown>[];
    pending_operations?: { resource: Record<string, unknown>; type: OperationType }[];
  };
}

export function emptyCheckpoint(): Checkpoint {
  return { resources: [], pendingOperations: [], secretsProvider: undefined };
}

export function readCheckpoint(path: string, passphrase: string): Checkpoint {
  if (!existsSync(path)) return emptyCheckpoint();
  const exported = JSON.parse(readFileSync(path, "utf8")) as ExportedDeployment;
  if (exported.version !== 3) throw new Error(`${path}: unsupported deployment version ${String(exported.version)}`);
  const provider = exported.deployment.secrets_providers;
  let crypter: PassphraseCrypter | undefined;
  const decrypter = () => (crypter ??= PassphraseCrypter.fromState(passphrase, provider ?? missingProvider(path)));
  return {
    resources: (exported.deployment.resources ?? []).map((resource) => resourceFromJson(resource, decrypter)),
    pendingOperations: (exported.deployment.pending_operations ?? []).map((operation) => ({
      resource: resourceFromJson(operation.resource, decrypter),
      type: operation.type,
    })),
    secretsProvider: provider,
  };
}

function missingProvider(path: string): never {
  throw new Error(`${path} holds secrets but names no secrets provider`);
}

/** A writer that encrypts with the checkpoint's secrets provider, creating one on first need. */
export class CheckpointWriter {
  private crypter: PassphraseCrypter | undefined;

  constructor(
    private readonly path: string,
    private readonly passphrase: string,
    private secretsProvider: SecretsProviderState | undefined,
  ) {}

  write(checkpoint: Omit<Checkpoint, "secretsProvider">): void {
    const encrypt = (plaintext: string) => this.encrypter().encrypt(plaintext);
    const deployment: ExportedDeployment["deployment"] = {
      manifest: { time: new Date().toISOString(), magic: "", version: "pulumi-tuntap engine stand-in" },
      resources: checkpoint.resources.map((resource) => resourceToJson(resource, encrypt)),
    };
    if (checkpoint.pendingOperations.length > 0) {
      deployment.pending_operations = checkpoint.pendingOperations.map((operation) => ({ resource: resourceToJson(operation.resource, encrypt), type: operation.type }));
    }
    if (this.secretsProvider !== undefined) deployment.secrets_providers = this.secretsProvider;
    const exported: ExportedDeployment = { version: 3, deployment };
    // Write-then-rename: a reader (or a crash) never sees half a file.
    writeFileSync(`${this.path}.tmp`, `${JSON.stringify(exported, null, 2)}\n`);
    renameSync(`${this.path}.tmp`, this.path);
  }

  private encrypter(): PassphraseCrypter {
    if (this.crypter !== undefined) return this.crypter;
    if (this.secretsProvider !== undefined) {
      this.crypter = PassphraseCrypter.fromState(this.passphrase, this.secretsProvider);
    } else {
      const created = PassphraseCrypter.create(this.passphrase);
      this.crypter = created.crypter;
      this.secretsProvider = created.state;
    }
    return this.crypter;
  }
}

function encryptValue(value: Value, encrypt: (plaintext: string) => string): Value {
  if (isSecret(value)) return { [SIGNATURE_KEY]: SECRET_SIGNATURE, ciphertext: encrypt(JSON.stringify(value.value ?? null)) };
  if (Array.isArray(value)) return value.map((child) => encryptValue(child, encrypt));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, encryptValue(child, encrypt)]));
  return value;
}

function decryptValue(value: Value, decrypter: () => PassphraseCrypter): Value {
  if (isSecret(value)) {
    // "ciphertext" as the CLI writes it; "plaintext" as `pulumi stack export --show-secrets` prints it.
    if (typeof value.ciphertext === "string") return makeSecret(JSON.parse(decrypter().decrypt(value.ciphertext)) as Value);
    if (typeof value.plaintext === "string") return makeSecret(JSON.parse(value.plaintext) as Value);
    return makeSecret(value.value ?? null);
  }
  if (Array.isArray(value)) return value.map((child) => decryptValue(child, decrypter));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, decryptValue(child, decrypter)]));
  return value;
}

function encryptProperties(properties: Properties, encrypt: (plaintext: string) => string): Properties {
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, encryptValue(value, encrypt)]));
}

function decryptProperties(properties: unknown, decrypter: () => PassphraseCrypter): Properties {
  return Object.fromEntries(Object.entries((properties ?? {}) as Properties).map(([key, value]) => [key, decryptValue(value, decrypter)]));
}

/** ResourceV3 (apitype/core.go), empty fields left out as the CLI's omitempty leaves them. */
function resourceToJson(resource: ResourceState, encrypt: (plaintext: string) => string): Record<string, unknown> {
  const json: Record<string, unknown> = { urn: resource.urn, custom: resource.custom };
  if (resource.delete) json.delete = true;
  if (resource.id !== "") json.id = resource.id;
  json.type = resource.type;
  json.inputs = encryptProperties(resource.inputs, encrypt);
  json.outputs = encryptProperties(resource.outputs, encrypt);
  if (resource.parent !== "") json.parent = resource.parent;
  if (resource.protect) json.protect = true;
  if (resource.dependencies.length > 0) json.dependencies = resource.dependencies;
  if (resource.initErrors.length > 0) json.initErrors = resource.initErrors;
  if (resource.provider !== "") json.provider = resource.provider;
  if (Object.keys(resource.propertyDependencies).length > 0) json.propertyDependencies = resource.propertyDependencies;
  if (resource.pendingReplacement) json.pendingReplacement = true;
  if (resource.additionalSecretOutputs.length > 0) json.additionalSecretOutputs = resource.additionalSecretOutputs;
  if (resource.ignoreChanges.length > 0) json.ignoreChanges = resource.ignoreChanges;
  if (resource.replaceOnChanges.length > 0) json.replaceOnChanges = resource.replaceOnChanges;
  if (resource.created !== undefined) json.created = resource.created;
  if (resource.modified !== undefined) json.modified = resource.modified;
  return json;
}

function resourceFromJson(json: Record<string, unknown>, decrypter: () => PassphraseCrypter): ResourceState {
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : []);
  const state: ResourceState = {
    urn: String(json.urn),
    type: String(json.type),
    custom: json.custom === true,
    id: typeof json.id === "string" ? json.id : "",
    inputs: decryptProperties(json.inputs, decrypter),
    outputs: decryptProperties(json.outputs, decrypter),
    parent: typeof json.parent === "string" ? json.parent : "",
    dependencies: strings(json.dependencies),
    propertyDependencies: Object.fromEntries(Object.entries((json.propertyDependencies ?? {}) as Record<string, unknown>).map(([key, urns]) => [key, strings(urns)])),
    provider: typeof json.provider === "string" ? json.provider : "",
    delete: json.delete === true,
    pendingReplacement: json.pendingReplacement === true,
    protect: json.protect === true,
    ignoreChanges: strings(json.ignoreChanges),
    replaceOnChanges: strings(json.replaceOnChanges),
    additionalSecretOutputs: strings(json.additionalSecretOutputs),
    initErrors: strings(json.initErrors),
  };
  if (typeof json.created === "string") state.created = json.created;
  if (typeof json.modified === "string") state.modified = json.modified;
  return state;
}
