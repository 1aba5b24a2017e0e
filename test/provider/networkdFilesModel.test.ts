// NetworkdFiles' pure model: check (failures per property, unknowns, defaults), the rendered files key by
// key, parsing them back, and diff. No files, no kernel.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { UNKNOWN } from "pulumi-tuntap/model";
import { checkNetworkdFiles, diffNetworkdFiles, type NetworkdDeviceSettings, networkdSpecOf, ownerOfFile, parseIni, renderNetworkdFiles, settingsFromNetworkdFiles } from "pulumi-tuntap";

const managedBy = "tuntap-tests/dev/boot";

function failures(news: Record<string, unknown>): string[] {
  return checkNetworkdFiles({}, { managedBy, ...news }).failures.map((failure) => `${failure.property}: ${failure.reason}`);
}

function failedProperties(news: Record<string, unknown>): string[] {
  return checkNetworkdFiles({}, { managedBy, ...news }).failures.map((failure) => failure.property);
}

function rendered(news: Record<string, unknown>) {
  const spec = networkdSpecOf(checkNetworkdFiles({}, { managedBy, ...news }));
  assert.ok(spec, "the inputs check");
  return { spec, files: renderNetworkdFiles(spec, spec.managedBy) };
}

/** Every key=value of one section, in order, as "Key=Value" lines. */
function sectionLines(text: string, name: string): string[] {
  return parseIni(text)
    .filter((section) => section.name === name)
    .flatMap((section) => section.entries.map(([key, value]) => `${key}=${value}`));
}

describe("check", () => {
  test("defaults: /etc/systemd/network, 50-<name>, booleans filled", () => {
    const outcome = checkNetworkdFiles({}, { kind: "tap", name: "tap0", managedBy });
    assert.deepEqual(outcome.failures, []);
    assert.equal(outcome.inputs.directory, "/etc/systemd/network");
    assert.equal(outcome.inputs.fileStem, "50-tap0");
    assert.deepEqual(
      { multiQueue: outcome.inputs.multiQueue, up: outcome.inputs.up, addresses: outcome.inputs.addresses },
      { multiQueue: false, up: true, addresses: [] },
    );
  });

  test("a trailing slash is dropped so one directory has one set of paths", () => {
    assert.equal(checkNetworkdFiles({}, { kind: "tap", name: "tap0", managedBy, directory: "/run/systemd/network/" }).inputs.directory, "/run/systemd/network");
  });

  test("no input can name a path outside the directory", () => {
    for (const directory of ["etc/systemd/network", "/etc/systemd/../../tmp", "/etc/./systemd", "/etc//systemd", "/etc/systemd/network/..", "/etc\n/x"]) {
      assert.deepEqual(failedProperties({ kind: "tap", name: "tap0", directory }), ["directory"], directory);
    }
    for (const fileStem of ["../x", "a/b", "/abs", ".", "..", ".hidden", "", "a b", "a*b", "x".repeat(201)]) {
      assert.deepEqual(failedProperties({ kind: "tap", name: "tap0", fileStem }), ["fileStem"], fileStem);
    }
    assert.match(failures({ kind: "tap", name: "tap0", fileStem: "../x" })[0] ?? "", /never a path/);
  });

  test("names that a [Match] Name= glob would not match exactly are refused", () => {
    for (const name of ["ta*", "tap?", "t[0]", "!tap0", "12345", "tap\\0"]) {
      assert.deepEqual(failedProperties({ kind: "tap", name }), ["name"], name);
    }
    assert.deepEqual(failedProperties({ kind: "tap", name: "tap0", bridge: "br*" }), ["bridge"]);
    assert.deepEqual(failures({ kind: "tap", name: "lab-1a2b3c" }), []);
  });

  test("values that would break the file's lines are refused", () => {
    for (const description of ["two\nlines", "carriage\rreturn", "trailing\\", " padded", "padded "]) {
      assert.deepEqual(failedProperties({ kind: "tap", name: "tap0", description }), ["description"], JSON.stringify(description));
    }
    assert.deepEqual(failedProperties({ kind: "tap", name: "tap0", managedBy: "p/s/r\n[Network]" }), ["managedBy"]);
  });

  test("settings that do not fit the kind are named", () => {
    assert.deepEqual(failedProperties({ kind: "bridge", name: "br0", owner: 0, group: 0, multiQueue: true, bridge: "br1" }).sort(), [
      "bridge",
      "group",
      "multiQueue",
      "owner",
    ]);
    assert.deepEqual(failedProperties({ kind: "tun", name: "tun0", macAddress: "52:54:00:00:00:01", bridge: "br0" }).sort(), ["bridge", "macAddress"]);
    assert.deepEqual(failedProperties({ kind: "tap", name: "tap0", stp: true }), ["stp"]);
    assert.deepEqual(failedProperties({ kind: "tap", name: "tap0", mtu: 65535 }), ["mtu"]);
    assert.deepEqual(failedProperties({ kind: "tun", name: "tun0", mtu: 1000, addresses: ["fd00::1/64"] }), ["mtu"]);
    assert.deepEqual(failedProperties({ kind: "bridge", name: "br0", bridge: "br0" }), ["bridge"]);
    assert.deepEqual(failedProperties({ kind: "tap", name: "tap0", bridge: "tap0" }), ["bridge"]);
  });

  test("a device in another network namespace is refused: networkd configures the host's", () => {
    assert.match(failures({ kind: "tap", name: "tap0", netns: "lab" })[0] ?? "", /^netns: .*host's own namespace/);
  });

  test("kind, name and managedBy are required, each with its own reason", () => {
    const outcome = checkNetworkdFiles({}, {});
    assert.deepEqual(outcome.failures.map((failure) => failure.property).sort(), ["kind", "managedBy", "name"]);
    assert.ok(outcome.failures.every((failure) => failure.reason.startsWith("required")));
  });

  test("unknown values (preview) are kept, not validated, and hold back the default stem", () => {
    const outcome = checkNetworkdFiles({}, { kind: "tap", name: UNKNOWN, macAddress: UNKNOWN, addresses: [UNKNOWN], managedBy });
    assert.deepEqual(outcome.failures, []);
    assert.equal(outcome.inputs.name, UNKNOWN);
    assert.deepEqual(outcome.inputs.addresses, [UNKNOWN]);
    assert.equal(outcome.inputs.fileStem, undefined);
    assert.equal(networkdSpecOf(outcome), undefined);
  });

  test("an unknown kind skips the kind rules", () => {
    assert.deepEqual(failures({ kind: UNKNOWN, name: "tap0", owner: 0, stp: true }), []);
  });

  test("a tun's MAC and bridge outputs are unknown during a preview, not refused (they turn out absent)", () => {
    assert.deepEqual(failures({ kind: "tun", name: "tun0", macAddress: UNKNOWN, bridge: UNKNOWN }), []);
    assert.deepEqual(failures({ kind: "bridge", name: "br0", owner: UNKNOWN, group: UNKNOWN }), []);
  });

  test("the serialized provider key is not an input", () => {
    assert.deepEqual(failures({ kind: "tap", name: "tap0", __provider: "exports.handler = …" }), []);
  });
});

describe("render", () => {
  test("the tutorial's tap0: [Tap] with the owner, MTU and MAC in the .network's [Link]", () => {
    const { files } = rendered({ kind: "tap", name: "tap0", owner: 0, mtu: 1500, macAddress: "52:54:00:AB:CD:EF", addresses: ["192.168.0.1/24"], promiscuous: true });
    assert.equal(ownerOfFile(files.netdev), managedBy);
    assert.equal(ownerOfFile(files.network), managedBy);
    assert.deepEqual(sectionLines(files.netdev, "NetDev"), ["Name=tap0", "Kind=tap"]);
    assert.deepEqual(sectionLines(files.netdev, "Tap"), ["User=0", "MultiQueue=no", "PacketInfo=no", "VNetHeader=no"]);
    assert.deepEqual(sectionLines(files.network, "Match"), ["Name=tap0"]);
    assert.deepEqual(sectionLines(files.network, "Link"), ["MACAddress=52:54:00:ab:cd:ef", "MTUBytes=1500", "Promiscuous=yes", "RequiredForOnline=no"]);
    assert.deepEqual(sectionLines(files.network, "Network"), ["Address=192.168.0.1/24", "ConfigureWithoutCarrier=yes", "IPv6AcceptRA=no"]);
  });

  test("a multi-queue tap for an unprivileged QEMU, port of a bridge", () => {
    const { files } = rendered({ kind: "tap", name: "vm0", owner: 65534, group: "kvm", multiQueue: true, vnetHdr: true, bridge: "br0" });
    assert.deepEqual(sectionLines(files.netdev, "Tap"), ["User=65534", "Group=kvm", "MultiQueue=yes", "PacketInfo=no", "VNetHeader=yes"]);
    assert.ok(sectionLines(files.network, "Network").includes("Bridge=br0"));
  });

  test("a tun device: [Tun], IPv4 and IPv6 addresses, no MAC", () => {
    const { files } = rendered({ kind: "tun", name: "tun0", owner: 65534, mtu: 1400, addresses: ["10.8.0.1/24", "fd00:8::1/64"], packetInfo: true });
    assert.deepEqual(sectionLines(files.netdev, "NetDev"), ["Name=tun0", "Kind=tun"]);
    assert.deepEqual(sectionLines(files.netdev, "Tun"), ["User=65534", "MultiQueue=no", "PacketInfo=yes", "VNetHeader=no"]);
    assert.deepEqual(sectionLines(files.network, "Link"), ["MTUBytes=1400", "RequiredForOnline=no"]);
    assert.deepEqual(sectionLines(files.network, "Network").filter((line) => line.startsWith("Address=")), ["Address=10.8.0.1/24", "Address=fd00:8::1/64"]);
  });

  test("a bridge: MTU and MAC in the .netdev, STP in [Bridge]", () => {
    const { files } = rendered({ kind: "bridge", name: "br0", mtu: 9000, macAddress: "02:00:00:00:00:01", stp: true, addresses: ["192.168.100.1/24"] });
    assert.deepEqual(sectionLines(files.netdev, "NetDev"), ["Name=br0", "Kind=bridge", "MTUBytes=9000", "MACAddress=02:00:00:00:00:01"]);
    assert.deepEqual(sectionLines(files.netdev, "Bridge"), ["STP=yes"]);
    assert.deepEqual(sectionLines(files.network, "Link"), ["RequiredForOnline=no"]);
    assert.equal(sectionLines(files.netdev, "Tap").length, 0);
  });

  test("down and described: ActivationPolicy=down, Description= in both files", () => {
    const { files } = rendered({ kind: "tap", name: "tap0", up: false, description: "lab uplink; #1 = main" });
    assert.ok(sectionLines(files.network, "Link").includes("ActivationPolicy=down"));
    assert.ok(sectionLines(files.netdev, "NetDev").includes("Description=lab uplink; #1 = main"));
    assert.ok(sectionLines(files.network, "Network").includes("Description=lab uplink; #1 = main"));
  });

  test("keys newer than systemd 235 are announced by a comment line, never a trailing one", () => {
    const { files } = rendered({ kind: "tap", name: "tap0", up: false, promiscuous: true });
    const lines = files.network.split("\n");
    const promiscuous = lines.indexOf("Promiscuous=yes");
    assert.match(lines[promiscuous - 1] ?? "", /^# Promiscuous= needs systemd 248/);
    assert.match(lines[lines.indexOf("ActivationPolicy=down") - 1] ?? "", /^# ActivationPolicy= needs systemd 248/);
    // systemd has no trailing comments: every non-comment line is a section header or Key=Value.
    for (const line of [...files.netdev.split("\n"), ...lines]) {
      if (line === "" || line.startsWith("#")) continue;
      assert.match(line, /^(\[[A-Za-z]+\]|[A-Za-z0-9]+=[^#]*)$/, line);
    }
  });

  test("the marker is the first line and names the owner exactly", () => {
    const { files } = rendered({ kind: "tap", name: "tap0" });
    assert.equal(files.netdev.split("\n")[0], `# Managed by pulumi-tuntap for ${managedBy}`);
    assert.equal(ownerOfFile("[NetDev]\nName=tap0\n"), undefined);
    assert.equal(ownerOfFile(`\n# Managed by pulumi-tuntap for ${managedBy}\n`), undefined);
  });
});

describe("parse back", () => {
  const devices: Record<string, unknown>[] = [
    { kind: "tap", name: "tap0", owner: 0, mtu: 1500, macAddress: "52:54:00:ab:cd:ef", addresses: ["192.168.0.1/24"], promiscuous: true },
    { kind: "tap", name: "vm0", owner: 65534, group: "kvm", multiQueue: true, vnetHdr: true, packetInfo: true, bridge: "br0", up: false, description: "vm 0" },
    { kind: "tun", name: "tun0", owner: "nobody", mtu: 1400, addresses: ["10.8.0.1/24", "fd00:8::1/64"] },
    { kind: "bridge", name: "br0", mtu: 9000, macAddress: "02:00:00:00:00:01", stp: true, addresses: ["192.168.100.1/24", "fd00:100::1/64"] },
    { kind: "bridge", name: "br1" },
  ];
  for (const device of devices) {
    test(`${String(device.kind)} ${String(device.name)}: the files describe exactly the inputs`, () => {
      const { spec, files } = rendered(device);
      const { directory: _d, fileStem: _f, managedBy: _m, ...settings } = spec;
      assert.deepEqual(settingsFromNetworkdFiles(files.netdev, files.network), settings satisfies NetworkdDeviceSettings);
    });
  }

  test("systemd syntax: comments, blank lines, spaces around =, continuation lines, repeated keys", () => {
    const sections = parseIni("; c\n[Network]\n  Address = 10.0.0.1/24 \n# x\nDescription=a \\\nb\nAddress=10.0.0.2/24\n");
    assert.deepEqual(sections, [{ name: "Network", entries: [["Address", "10.0.0.1/24"], ["Description", "a  b"], ["Address", "10.0.0.2/24"]] }]);
  });
});

describe("diff", () => {
  function state(news: Record<string, unknown>): Record<string, unknown> {
    const { spec, files } = rendered(news);
    return { ...spec, netdevContent: files.netdev, networkContent: files.network };
  }
  const base = { kind: "tap", name: "tap0", mtu: 1500, addresses: ["192.168.0.1/24"], managedBy };
  const checked = (news: Record<string, unknown>) => checkNetworkdFiles({}, news).inputs;

  test("unchanged: no change", () => {
    assert.deepEqual(diffNetworkdFiles(state(base), checked(base)), { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("a setting changes the text of the file that holds it: update in place", () => {
    const outcome = diffNetworkdFiles(state(base), checked({ ...base, mtu: 9000 }));
    assert.deepEqual([outcome.changes, outcome.replaces], [true, []]);
    // MTUBytes= of a tap lives in the .network file, User= in the .netdev: each change is a change to its file only.
    const mtuChanged = state({ ...base, mtu: 9000 });
    assert.deepEqual([mtuChanged.netdevContent === state(base).netdevContent, mtuChanged.networkContent === state(base).networkContent], [true, false]);
    const ownerChanged = state({ ...base, owner: 0 });
    assert.deepEqual([ownerChanged.netdevContent === state(base).netdevContent, ownerChanged.networkContent === state(base).networkContent], [false, true]);
    assert.deepEqual([diffNetworkdFiles(state(base), checked({ ...base, owner: 0 })).changes, diffNetworkdFiles(ownerChanged, checked({ ...base, owner: 0 })).changes], [true, false]);
  });

  test("another directory or stem: replace (new files first, then the old ones go)", () => {
    assert.deepEqual(diffNetworkdFiles(state(base), checked({ ...base, directory: "/run/systemd/network" })).replaces, ["directory"]);
    assert.deepEqual(diffNetworkdFiles(state(base), checked({ ...base, fileStem: "10-tap0" })).replaces, ["fileStem"]);
    const renamed = diffNetworkdFiles(state(base), checked({ ...base, name: "tap1" }));
    assert.deepEqual(renamed.replaces, ["fileStem"], "the default stem follows the name");
    assert.equal(renamed.deleteBeforeReplace, false);
  });

  test("the same directory under another spelling (a link to it) is the same place: an update, never a replace", () => {
    const samePlace = (a: string, b: string) => [a, b].every((directory) => ["/etc/systemd/network", "/run/link-to-network"].includes(directory));
    const respelt = diffNetworkdFiles(state(base), checked({ ...base, directory: "/run/link-to-network" }), samePlace);
    assert.deepEqual([respelt.changes, respelt.replaces], [true, []]);
    // Should a replacement be forced anyway (replaceOnChanges), it writes the very same files: the old ones go first.
    assert.equal(respelt.deleteBeforeReplace, true);
    assert.deepEqual(diffNetworkdFiles(state(base), checked({ ...base, directory: "/run/systemd/network" }), samePlace).replaces, ["directory"]);
  });

  test("the same directory spelt with a trailing slash is no change", () => {
    assert.equal(diffNetworkdFiles(state(base), checked({ ...base, directory: "/etc/systemd/network/" })).changes, false);
  });

  test("a file edited or removed by hand (as a refresh reads it) is a change", () => {
    assert.equal(diffNetworkdFiles({ ...state(base), networkContent: "" }, checked(base)).changes, true);
  });

  test("unknown values during preview: a change, a replace only when the path may change", () => {
    const preview = diffNetworkdFiles(state(base), checked({ ...base, mtu: UNKNOWN }));
    assert.deepEqual([preview.changes, preview.replaces], [true, []]);
    assert.deepEqual(diffNetworkdFiles(state(base), checked({ ...base, name: UNKNOWN })).replaces, ["fileStem"]);
    assert.deepEqual(diffNetworkdFiles(state(base), checked({ ...base, name: UNKNOWN, fileStem: "50-tap0" })).replaces, []);
  });
});
