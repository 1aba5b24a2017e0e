// NetworkNamespace without the rights it needs: an ordinary user (no capabilities, no user namespace) is told
// that making or removing a namespace needs CAP_SYS_ADMIN and how to get it, and nothing changes.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { test } from "node:test";
import { networkNamespaceProvider as provider } from "pulumi-tuntap";
import { ip } from "../support/ip";
import { create } from "../support/providers";
import { asOrdinaryUser, callProvider } from "./workers/run";

const managedBy = "tuntap-tests/dev/namespace-faults";

test("an ordinary user cannot make or delete a namespace: the error names CAP_SYS_ADMIN and `unshare -rnm`; nothing changes", async () => {
  const existing = await create(provider, { name: "held-ns", managedBy });
  const before = ip("netns", "list");

  const created = callProvider(asOrdinaryUser, { resource: "NetworkNamespace", method: "create", args: [{ name: "user-ns", loopbackUp: true, adopt: false, managedBy }] });
  assert.equal(created.ok, false);
  assert.match(created.ok ? "" : created.message, /create network namespace user-ns: .*EPERM .*needs CAP_SYS_ADMIN .*unshare -rnm/);

  const deleted = callProvider(asOrdinaryUser, { resource: "NetworkNamespace", method: "delete", args: ["held-ns", existing.outs] });
  assert.equal(deleted.ok, false);
  // Checking that the namespace is ours means looking inside it (setns), which is refused already.
  assert.match(deleted.ok ? "" : deleted.message, /held-ns: setns\(\/run\/netns\/held-ns\): EPERM/);

  assert.equal(ip("netns", "list"), before, "no namespace made or removed");
  await provider.delete?.(existing.id, existing.outs);
});
