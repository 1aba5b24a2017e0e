// The base of every resource class: a dynamic resource, run by Pulumi's Node dynamic-provider host, whose
// provider the state records as one line of JavaScript.
//
// Why not `pulumi.dynamic.Resource`: it records the provider as the text of its closure serializer (@pulumi/pulumi
// dynamic/index.js serializeProvider), 276 bytes for a provider the package exports by name, in both the inputs
// and the outputs of every resource. The engine rewrites the whole state after every step (pkg/backend
// snapshot.go saveSnapshot; the file backend also hashes and backs it up each time), so at 1,000 resources those
// bytes are written about a million times per `pulumi up` or `destroy`. The host needs only a module text whose
// `handler` returns the provider (sdk/nodejs/cmd/dynamic-provider/index.ts getProvider: requireFromString(text)
// .handler()); this one is ~70 bytes. The type token and the `__provider` key are the ones dynamic.Resource
// uses, so states made with it are read as before: its longer text stays valid; the inputs take this one at the
// next `pulumi up`, the outputs at each resource's next update.
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_KEY } from "../model";

const PACKAGE_NAME = "pulumi-tuntap";
/** The package's root: dist/ (or the build's output) sits one level below it, this file two. */
const packageRoot = realpathSync(join(__dirname, "..", ".."));

export abstract class DynamicResource extends pulumi.CustomResource {
  /** `type` is the class's name; its kind's folder under provider/resources is the same name in camelCase. */
  protected constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(`pulumi-nodejs:dynamic/tuntap:${type}`, name, { ...props, [PROVIDER_KEY]: providerText(kindOf(type)) }, opts);
  }
}

function kindOf(type: string): string {
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}`;
}

const texts = new Map<string, string>();

/**
 * By the package's subpath when the host will find this very package by name, so that an upgraded package takes
 * over; by the provider module's path otherwise (a program inside a checkout of this repository).
 */
function providerText(kind: string): string {
  let text = texts.get(kind);
  if (text === undefined) {
    const module = isInstalledByName() ? `${PACKAGE_NAME}/providers/${kind}` : require.resolve(`../resources/${kind}/provider`);
    text = `exports.handler = () => require(${JSON.stringify(module)});\n`;
    texts.set(kind, text);
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
