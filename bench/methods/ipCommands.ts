// The `ip` commands a shell script (or a @pulumi/command local.Command per device) would run for each phase.
import type { BenchDevice, Phase } from "../workload";

export function ipCommands(phase: Phase, device: BenchDevice): string[][] {
  switch (phase) {
    case "create":
      return [
        ["tuntap", "add", "dev", device.name, "mode", "tap", "user", String(device.owner)],
        ["link", "set", "dev", device.name, "mtu", String(device.mtu)],
        ["link", "set", "dev", device.name, "address", device.macAddress],
        ["addr", "add", device.address, "dev", device.name],
        ["link", "set", "dev", device.name, "up"],
      ];
    case "read":
      return [
        ["-d", "link", "show", "dev", device.name],
        ["addr", "show", "dev", device.name],
      ];
    case "update":
      return [
        ["link", "set", "dev", device.name, "mtu", String(device.updatedMtu)],
        ["addr", "del", device.address, "dev", device.name],
        ["addr", "add", device.updatedAddress, "dev", device.name],
      ];
    case "delete":
      return [["link", "del", "dev", device.name]];
  }
}
