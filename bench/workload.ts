// The devices every method creates, reads, updates and deletes: the issue's "tap, owner, MTU, MAC, one IPv4
// address, up", then an in-place update of MTU and address.

export interface BenchDevice {
  name: string;
  owner: number;
  mtu: number;
  macAddress: string;
  address: string;
  updatedMtu: number;
  updatedAddress: string;
}

export function workload(count: number): BenchDevice[] {
  return Array.from({ length: count }, (_, i) => {
    const high = Math.floor(i / 250);
    const low = i % 250;
    return {
      name: `bt${i}`,
      owner: 1000,
      mtu: 1400,
      macAddress: `52:54:00:${hex(high)}:${hex(low)}:01`,
      address: `10.${100 + high}.${low}.1/24`,
      updatedMtu: 1300,
      updatedAddress: `10.${100 + high}.${low}.2/24`,
    };
  });
}

function hex(value: number): string {
  return value.toString(16).padStart(2, "0");
}

/** The TapInterface inputs for a device, before (`updated` false) or after the in-place update. */
export function tapInputs(device: BenchDevice, updated: boolean, managedBy: string): Record<string, unknown> {
  return {
    name: device.name,
    owner: device.owner,
    mtu: updated ? device.updatedMtu : device.mtu,
    macAddress: device.macAddress,
    addresses: [updated ? device.updatedAddress : device.address],
    up: true,
    managedBy,
  };
}

export type Phase = "create" | "read" | "update" | "delete";
export const phases: readonly Phase[] = ["create", "read", "update", "delete"];

/** One way of doing the four phases for a set of devices. */
export interface BenchMethod {
  /** Short key used in the JSON. */
  key: string;
  /** What the row in the table says. */
  label: string;
  run(phase: Phase, devices: readonly BenchDevice[]): Promise<void>;
  /** Extra figures the method measured (peak RSS...). */
  figures?(): Record<string, number>;
  close?(): Promise<void>;
}
