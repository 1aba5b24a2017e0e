// Runs one provider method in a separate process and prints its outcome as JSON on stdout. The reliability
// tests start it with fewer rights than themselves (another uid, no /dev/net/tun) to see what users see.
//   node providerCall.js '{"resource":"TapInterface","method":"create","args":[{...}]}'
import type * as pulumi from "@pulumi/pulumi";
import { bridgeProvider, networkNamespaceProvider, tapInterfaceProvider } from "pulumi-tuntap";

interface Call {
  resource: "TapInterface" | "Bridge" | "NetworkNamespace";
  method: "check" | "diff" | "create" | "read" | "update" | "delete";
  args: unknown[];
}

async function main(): Promise<void> {
  const call = JSON.parse(process.argv[2] ?? "{}") as Call;
  const providers: Record<Call["resource"], pulumi.dynamic.ResourceProvider> = {
    TapInterface: tapInterfaceProvider,
    Bridge: bridgeProvider,
    NetworkNamespace: networkNamespaceProvider,
  };
  const provider = providers[call.resource];
  const method = provider[call.method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
  if (method === undefined) throw new Error(`no method ${call.method}`);
  try {
    const result = await method.apply(provider, call.args);
    process.stdout.write(JSON.stringify({ ok: true, result: result ?? null }));
  } catch (error) {
    const failure = error as Error;
    process.stdout.write(JSON.stringify({ ok: false, name: failure.name, message: failure.message }));
  }
}

void main();
