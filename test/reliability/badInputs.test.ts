// Every bad input is refused by check with the property named, and the same raw input handed straight to
// create (skipping check) fails before the kernel is touched: the namespace's links and addresses are
// byte-for-byte the same afterwards. The suite prints its figures.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { bridgeProvider, networkNamespaceProvider, tapInterfaceProvider, vethPairProvider } from "pulumi-tuntap";
import { ip, namespaceFingerprint } from "../support/ip";
import { badInputs, type ResourceKind } from "../support/badInputs";

const providers: Record<ResourceKind, pulumi.dynamic.ResourceProvider> = {
  TapInterface: tapInterfaceProvider,
  Bridge: bridgeProvider,
  VethPair: vethPairProvider,
  NetworkNamespace: networkNamespaceProvider,
};

const figures = { tried: 0, rejectedByCheck: 0, rejectedByCreate: 0, kernelChanges: 0 };

// Something to disturb: a bridge, a tap in it, addresses. A bad input must leave all of it as it is.
ip("link", "add", "keep-br", "type", "bridge");
ip("tuntap", "add", "dev", "keep-tap", "mode", "tap");
ip("link", "set", "keep-tap", "master", "keep-br");
ip("addr", "add", "10.99.0.1/24", "dev", "keep-br");

describe("bad inputs", () => {
  for (const badInput of badInputs) {
    test(`${badInput.resource}: ${badInput.title} → ${badInput.property}`, async () => {
      figures.tried++;
      const provider = providers[badInput.resource];
      const result = await provider.check?.({}, badInput.inputs);
      const properties = (result?.failures ?? []).map((failure) => failure.property);
      assert.ok(properties.includes(badInput.property), `check names ${badInput.property}; it named ${JSON.stringify(properties)}`);
      for (const failure of result?.failures ?? []) assert.ok(failure.reason.length > 10, `a reason for ${failure.property}`);
      const failure = result?.failures?.find((candidate) => candidate.property === badInput.property);
      assert.match(failure?.reason ?? "", badInput.reason, `the reason for ${badInput.property}`);
      figures.rejectedByCheck++;

      const before = namespaceFingerprint() + ip("netns", "list");
      let createFailed = false;
      try {
        await provider.create(badInput.inputs);
      } catch (error) {
        createFailed = true;
        assert.match(String((error as Error).message), new RegExp(`invalid inputs, nothing was changed[\\s\\S]*- ${escapeRegExp(badInput.property)}:`));
      }
      const changed = namespaceFingerprint() + ip("netns", "list") !== before;
      if (changed) figures.kernelChanges++;
      if (createFailed) figures.rejectedByCreate++;
      assert.ok(createFailed, "create refuses the raw input");
      assert.equal(changed, false, "the namespace is byte-for-byte the same");
    });
  }
});

after(() => {
  console.log(
    `bad inputs: ${figures.tried} tried, ${figures.rejectedByCheck} rejected by check, ` +
      `${figures.rejectedByCreate} rejected by create, ${figures.kernelChanges} kernel changes`,
  );
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
