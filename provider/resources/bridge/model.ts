// The Bridge model: its state. Pure. Its inputs (schema, defaults, check) are in schema.ts, which only check loads.

export interface BridgeState {
  name: string;
  mtu: number;
  macAddress: string;
  addresses: string[];
  up: boolean;
  stp: boolean;
  txQueueLength: number;
  description?: string;
  netns?: string;
  adopt: boolean;
  managedBy?: string;
  ifindex: number;
  stamp: string;
  /** Names of the links that are ports of this bridge now. */
  ports: string[];
}
