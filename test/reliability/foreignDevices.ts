// Devices that are not the stack's, made with `ip` before the stack touches anything, for tests that must
// prove they were never touched: a veth pair with an address, a bridge holding a tap, a tun with an address,
// a tap stamped by another stack of the same project, and a tap carrying the stack's very own stamp for one
// of its resources under another name (taking back goes by name, never by searching stamps).
import assert from "node:assert/strict";
import { ip } from "../support/ip";
import { type KernelEvent, linkByName, quietAddressing, stableFingerprint } from "./kernelWatch";

export const FOREIGN = ["fo-veth0", "fo-veth1", "fo-br0", "fo-tap0", "fo-tun0", "fo-other", "fo-same"];

export class ForeignDevices {
  private constructor(
    private readonly fingerprint: string,
    private readonly indexes: ReadonlySet<number>,
  ) {}

  /** Makes the devices; `project` and `stack` are the stack under test's, `resource` one of its resources. */
  static make(project: string, stack: string, resource: string): ForeignDevices {
    ip("link", "add", "fo-veth0", "type", "veth", "peer", "name", "fo-veth1");
    ip("link", "add", "fo-br0", "type", "bridge");
    ip("tuntap", "add", "dev", "fo-tap0", "mode", "tap");
    ip("tuntap", "add", "dev", "fo-tun0", "mode", "tun");
    ip("tuntap", "add", "dev", "fo-other", "mode", "tap");
    ip("tuntap", "add", "dev", "fo-same", "mode", "tap");
    for (const name of FOREIGN) quietAddressing(name);
    ip("link", "set", "fo-tap0", "master", "fo-br0");
    ip("addr", "add", "10.90.0.1/24", "dev", "fo-veth0");
    ip("addr", "add", "10.91.0.1/24", "dev", "fo-tun0");
    ip("addr", "add", "10.92.0.1/24", "dev", "fo-br0");
    for (const name of ["fo-veth0", "fo-veth1", "fo-br0", "fo-tun0"]) ip("link", "set", name, "up");
    ip("link", "property", "add", "dev", "fo-other", "altname", `pulumi:${project}:other-stack:tap-5:0123abcd`);
    ip("link", "property", "add", "dev", "fo-same", "altname", `pulumi:${project}:${stack}:${resource}:89abcdef`);
    const links = linkByName();
    return new ForeignDevices(stableFingerprint(FOREIGN), new Set(FOREIGN.map((name) => links.get(name)?.ifindex ?? -1)));
  }

  assertUntouched(): void {
    assert.equal(stableFingerprint(FOREIGN), this.fingerprint, "the foreign devices are byte-for-byte as they were");
  }

  /** The link and address notifications about a foreign device among `events`. */
  touchedIn(events: readonly KernelEvent[]): KernelEvent[] {
    return events.filter((event) => this.indexes.has(event.ifindex) || FOREIGN.includes(event.name));
  }
}
