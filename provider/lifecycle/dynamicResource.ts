// The base of every resource class: a dynamic resource, run by Pulumi's Node dynamic-provider host, whose
// provider the state records as one line of JavaScript, and whose outputs it records in two parts.
//
// Why not `pulumi.dynamic.Resource`: it records the provider as the text of its closure serializer (@pulumi/pulumi
// dynamic/index.js serializeProvider), 276 bytes for a provider the package exports by name, in both the inputs
// and the outputs of every resource. The engine rewrites the whole state after every step (pkg/backend
// snapshot.go saveSnapshot; the file backend also hashes and backs it up each time), so at 1,000 resources those
// bytes are written about a million times per `pulumi up` or `destroy`. The host needs only a module text whose
// `handler` returns the provider (sdk/nodejs/cmd/dynamic-provider/index.ts getProvider: requireFromString(text)
// .handler()); this one is ~80 bytes, and names the kind's provider for classes (classProviders.ts), which
// records the outputs in two parts (recordedOutputs.ts) that the constructor below reads back. The type token and
// the `__provider` key are the ones dynamic.Resource uses, so states made with it are read as before: its longer
// text stays valid; the inputs take this one at the next `pulumi up`, the outputs at each resource's next update.
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_KEY } from "../model/providerKey";
import { IDENTITY_KEY, OBSERVED_KEY } from "./recordedOutputs";

const PACKAGE_NAME = "pulumi-tuntap";
/** What the text of a provider that records outputs in two parts names, and no earlier text does. */
const CLASS_PROVIDERS = "classProviders";
/** The package's root: dist/ (or the build's output) sits one level below it, this file two. */
const packageRoot = realpathSync(join(__dirname, "..", ".."));

export abstract class DynamicResource extends pulumi.CustomResource {
  /**
   * `type` is the class's name; its kind's folder under provider/resources is the same name in camelCase. Each key
   * of `props` becomes an output of that name. `derivedByCheck`: the keys the provider's check adds to the inputs
   * when the program leaves them out (a device's name), recorded at the top of the outputs like the given ones.
   * `recordedAsText`: given keys whose outputs the state keeps as one JSON text each (recordedOutputs.ts).
   */
  protected constructor(
    type: string,
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
    derivedByCheck: readonly string[] = [],
    recordedAsText: readonly string[] = [],
  ) {
    super(`pulumi-nodejs:dynamic/tuntap:${type}`, name, { ...props, [PROVIDER_KEY]: providerText(kindOf(type), recordedAsText), [OBSERVED_KEY]: undefined }, opts);
    const outputs = this as unknown as Record<string, pulumi.Output<unknown>>;
    const recordedObserved = outputs[OBSERVED_KEY] as pulumi.Output<unknown>;
    const observed = recordedObserved.apply((text) => (typeof text === "string" ? (JSON.parse(text) as Record<string, unknown>) : undefined));
    const inTwoParts = (outputs[PROVIDER_KEY] as pulumi.Output<unknown>).apply((text) => typeof text === "string" && text.includes(CLASS_PROVIDERS));
    delete outputs[OBSERVED_KEY];
    for (const key of Object.keys(props)) {
      const atTop = props[key] !== undefined || derivedByCheck.includes(key);
      const recorded = recordedAsText.includes(key) ? fromText(outputs[key] as pulumi.Output<unknown>) : (outputs[key] as pulumi.Output<unknown>);
      outputs[key] = atTop ? fromTop(recorded, observed, key) : inTwoParts.apply((two) => (two ? fromObserved(observed, recorded, key) : fromTop(recorded, observed, key)));
    }
    // The identity is the class's own: known in every preview, whichever part of the state holds it.
    const identity = props[IDENTITY_KEY];
    if (typeof identity === "string") outputs[IDENTITY_KEY] = this.urn.apply(() => identity);
  }
}

// Each output is read from the part of the state that holds it (recordedOutputs.ts), and from the other when that
// one lacks it (a given input that resolved to undefined is observed; a key check adds without its being listed in
// `derivedByCheck` is at the top). A part missing from the state reads as unknown in a preview (@pulumi/pulumi
// runtime/rpc.ts resolveProperties), which is why the part that holds the output is asked first: a preview of a
// new or updated resource knows only the inputs, one of an unchanged resource both parts. Outputs recorded by an
// earlier version are all at the top, with no `observed`; the provider text recorded with them tells them apart,
// since the host records the text of the provider that wrote the outputs (in a preview of a new or updated
// resource, the inputs' text: this one). Null, an unset setting, reads as undefined.

function fromTop(top: pulumi.Output<unknown>, observed: pulumi.Output<Record<string, unknown> | undefined>, key: string): pulumi.Output<unknown> {
  return top.apply((value) => (value === undefined ? observed.apply((found) => found?.[key]) : (value ?? undefined)));
}

function fromObserved(observed: pulumi.Output<Record<string, unknown> | undefined>, top: pulumi.Output<unknown>, key: string): pulumi.Output<unknown> {
  return observed.apply((found) => (found !== undefined && key in found ? (found[key] ?? undefined) : top.apply((value) => value ?? undefined)));
}

/** A top output the state may hold as JSON text; before the first record (a preview) it is the input as given. */
function fromText(recorded: pulumi.Output<unknown>): pulumi.Output<unknown> {
  return recorded.apply((value) => (typeof value === "string" ? (JSON.parse(value) as unknown) : value));
}

function kindOf(type: string): string {
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}`;
}

const texts = new Map<string, string>();

/**
 * By the package's subpath when the host will find this very package by name, so that an upgraded package takes
 * over; by the module's path otherwise (a program inside a checkout of this repository).
 */
function providerText(kind: string, recordedAsText: readonly string[]): string {
  const key = JSON.stringify([kind, recordedAsText]);
  let text = texts.get(key);
  if (text === undefined) {
    const module = isInstalledByName() ? `${PACKAGE_NAME}/${CLASS_PROVIDERS}` : require.resolve(`./${CLASS_PROVIDERS}`);
    const asText = recordedAsText.length > 0 ? `, ${JSON.stringify(recordedAsText)}` : "";
    text = `exports.handler = () => require(${JSON.stringify(module)}).of(${JSON.stringify(kind)}${asText});\n`;
    texts.set(key, text);
  }
  return text;
}

let installedByName: boolean | undefined;

function isInstalledByName(): boolean {
  return (installedByName ??= findsThisPackage(process.cwd()));
}

/**
 * Whether node_modules/pulumi-tuntap, first found from `directory` upwards as the host's `require` looks for it, is
 * this package (a copy or a link to it).
 */
function findsThisPackage(directory: string): boolean {
  const candidate = join(directory, "node_modules", PACKAGE_NAME);
  if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate) === packageRoot;
  const parent = dirname(directory);
  return parent !== directory && findsThisPackage(parent);
}
