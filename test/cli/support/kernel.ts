// Kernel checks for scenarios, through the independent observer (`ip -j`).
import assert from "node:assert/strict";
import { cidrs, type IpLink, link, mustLink } from "../../support/ip";
import type { ManagedDevice } from "./stateView";

export { mustLink };

export function assertGone(name: string, netns?: string): void {
  assert.equal(link(name, netns), undefined, `ip -j link no longer shows ${name}`);
}

/** A TAP device as the classic tutorial makes it: tun driver, tap type, persistent, with this owner. */
export function assertTap(name: string, expected: { mtu?: number; addresses?: string[]; up?: boolean; promiscuous?: boolean; user?: string }): IpLink {
  const device = mustLink(name);
  assert.equal(device.linkinfo?.info_kind, "tun", `${name} is a TUN/TAP device`);
  assert.equal(device.linkinfo?.info_data?.type, "tap", `${name} is a tap`);
  assert.equal(device.linkinfo?.info_data?.persist, true, `${name} is persistent`);
  if (expected.user !== undefined) assert.equal(device.linkinfo?.info_data?.user, expected.user, `${name} owner`);
  if (expected.mtu !== undefined) assert.equal(device.mtu, expected.mtu, `${name} MTU`);
  if (expected.addresses !== undefined) assert.deepEqual(cidrs(name), [...expected.addresses].sort(), `${name} addresses`);
  if (expected.up !== undefined) assert.equal(device.flags.includes("UP"), expected.up, `${name} administratively up`);
  if (expected.promiscuous !== undefined) assert.equal((device.promiscuity ?? 0) > 0, expected.promiscuous, `${name} promiscuous`);
  return device;
}

/** Every device the state records is in the kernel, with the recorded ifindex. */
export function assertDevicesExist(devices: readonly ManagedDevice[]): void {
  for (const device of devices) assert.equal(mustLink(device.name, device.netns).ifindex, device.ifindex, `${device.name} is the device the state records`);
}
