// One entry per stack program of the repository: the root program and every directory under examples/
// (programs.test.ts fails for an example without an entry). An entry says what its first `up` must leave in
// the kernel, a config change that updates in place, one that forces a replacement, and a drift to make
// behind the stack's back with `ip` — and how the refreshed state and the next `up` must show it. Everything
// else in the sequence (preview, no-change up, devices deleted behind the stack's back, destroy) is the same
// for all programs: see sequence.ts.
import assert from "node:assert/strict";
import { ip } from "../../support/ip";
import type { ManagedDevice } from "../stack/stateView";
import { assertGone, assertTap } from "./kernel";

export interface ProgramScenario {
  /** The directory holding the program's Pulumi.yaml, relative to the repository root. */
  directory: string;
  /** Stack config for the first up (keys without a namespace belong to the project). */
  config?: Record<string, string>;
  /** What the kernel must show after the first up. */
  afterUp(devices: readonly ManagedDevice[]): void;
  /** A config change the provider applies in place; `expect` checks the kernel afterwards. */
  update: { config: Record<string, string>; expect(devices: readonly ManagedDevice[]): void };
  /** A config change that forces a new device; `expect` checks the kernel afterwards. */
  replace: { config: Record<string, string>; expect(devices: readonly ManagedDevice[]): void };
  drift: {
    /** Changes a managed device behind the stack's back, with `ip`. */
    make(devices: readonly ManagedDevice[]): void;
    /** How the state after `refresh` must show it. */
    inState(devices: readonly ManagedDevice[]): void;
    /** The kernel after the next `up`, which puts the declared settings back. */
    repaired(devices: readonly ManagedDevice[]): void;
  };
}

function only(devices: readonly ManagedDevice[]): ManagedDevice {
  assert.equal(devices.length, 1, "the program manages one device");
  return devices[0]!;
}

/** examples/tutorial-tap0, which the root Pulumi.yaml also runs (as another project, so other stamps). */
function tutorialTap0(directory: string): ProgramScenario {
  return {
    directory,
    afterUp: () => {
      assertTap("tap0", { mtu: 1500, addresses: ["192.168.0.1/24"], up: true, promiscuous: true, user: "root" });
    },
    update: {
      config: { mtu: "1400", address: "10.0.0.1/24" },
      expect: () => {
        assertTap("tap0", { mtu: 1400, addresses: ["10.0.0.1/24"], up: true, promiscuous: true });
      },
    },
    replace: {
      config: { name: "tap1" },
      expect: () => {
        assertGone("tap0");
        assertTap("tap1", { mtu: 1400, addresses: ["10.0.0.1/24"], up: true, promiscuous: true, user: "root" });
      },
    },
    drift: {
      make: (devices) => {
        const device = only(devices);
        ip("link", "set", device.name, "mtu", "1280");
        ip("link", "set", device.name, "promisc", "off");
      },
      inState: (devices) => {
        const device = only(devices);
        assert.equal(device.outputs.mtu, 1280, "refresh recorded the MTU found");
        assert.equal(device.outputs.promiscuous, false, "refresh recorded promiscuous mode off");
      },
      repaired: () => {
        assertTap("tap1", { mtu: 1400, promiscuous: true });
      },
    },
  };
}

export const programScenarios: readonly ProgramScenario[] = [tutorialTap0("."), tutorialTap0("examples/tutorial-tap0")];
