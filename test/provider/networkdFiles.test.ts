// NetworkdFiles' provider called directly, as the engine would, on a temporary directory: files written
// atomically and parsed back, updates, refresh, delete, and the rule that a file we did not write is never
// overwritten or removed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { ForeignFileError, MissingDirectoryError, networkdFilesProvider as provider, ownerOfFile, settingsFromNetworkdFiles } from "pulumi-tuntap";
import { checked, create, failuresOf, update } from "../support/providers";

const managedBy = "tuntap-tests/dev/boot";
let directory = "";

beforeEach(() => {
  directory = fs.mkdtempSync(join(tmpdir(), "networkd-"));
});
afterEach(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

function tap0(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: "tap", name: "tap0", owner: 0, mtu: 1500, addresses: ["192.168.0.1/24"], promiscuous: true, directory, managedBy, ...extra };
}

const read = (name: string) => fs.readFileSync(join(directory, name), "utf8");
const listing = () => fs.readdirSync(directory).sort();

describe("create", () => {
  test("writes <stem>.netdev and <stem>.network, mode 0644, nothing else left behind", async () => {
    const created = await create(provider, tap0());
    assert.equal(created.id, `${directory}/50-tap0`);
    assert.deepEqual(listing(), ["50-tap0.netdev", "50-tap0.network"]);
    for (const name of listing()) assert.equal(fs.statSync(join(directory, name)).mode & 0o777, 0o644, name);
    assert.equal(created.outs.netdevPath, join(directory, "50-tap0.netdev"));
    assert.equal(created.outs.networkPath, join(directory, "50-tap0.network"));
    assert.equal(created.outs.netdevContent, read("50-tap0.netdev"));
    assert.equal(created.outs.networkContent, read("50-tap0.network"));
    assert.equal(ownerOfFile(read("50-tap0.netdev")), managedBy);
  });

  test("the files parse back to the device's settings", async () => {
    await create(provider, tap0({ macAddress: "52:54:00:12:34:56", description: "tutorial tap" }));
    assert.deepEqual(settingsFromNetworkdFiles(read("50-tap0.netdev"), read("50-tap0.network")), {
      kind: "tap",
      name: "tap0",
      description: "tutorial tap",
      owner: 0,
      multiQueue: false,
      packetInfo: false,
      vnetHdr: false,
      stp: false,
      mtu: 1500,
      macAddress: "52:54:00:12:34:56",
      promiscuous: true,
      up: true,
      addresses: ["192.168.0.1/24"],
    });
  });

  test("outputs hold no undefined value (Pulumi's host cannot serialize one)", async () => {
    const created = await create(provider, { kind: "bridge", name: "br0", directory, managedBy });
    for (const [key, value] of Object.entries(created.outs)) assert.notEqual(value, undefined, key);
  });

  test("a file we did not write is never overwritten, and nothing is written beside it", async () => {
    fs.writeFileSync(join(directory, "50-tap0.network"), "[Match]\nName=tap0\n");
    await assert.rejects(provider.create(await checked(provider, tap0())), (error: unknown) => {
      assert.ok(error instanceof Error && error.name === "ForeignFileError", String(error));
      assert.match(error.message, /refusing to touch .*50-tap0\.network: its first line is not a pulumi-tuntap marker/);
      return true;
    });
    assert.deepEqual(listing(), ["50-tap0.network"]);
    assert.equal(read("50-tap0.network"), "[Match]\nName=tap0\n");
  });

  test("nor is another resource's file, nor a masked one (a link to /dev/null)", async () => {
    fs.writeFileSync(join(directory, "50-tap0.netdev"), "# Managed by pulumi-tuntap for other/dev/boot\n");
    await assert.rejects(provider.create(await checked(provider, tap0())), /its marker names another resource \(other\/dev\/boot\)/);
    fs.rmSync(join(directory, "50-tap0.netdev"));
    fs.symlinkSync("/dev/null", join(directory, "50-tap0.network"));
    await assert.rejects(provider.create(await checked(provider, tap0())), /symbolic link/);
    assert.equal(fs.readlinkSync(join(directory, "50-tap0.network")), "/dev/null");
    assert.deepEqual(listing(), ["50-tap0.network"]);
  });

  test("takes back its own files from a run that was never recorded", async () => {
    const first = await create(provider, tap0());
    fs.writeFileSync(join(directory, "50-tap0.network"), `# Managed by pulumi-tuntap for ${managedBy}\nstale\n`);
    const second = await create(provider, tap0());
    assert.equal(read("50-tap0.network"), first.outs.networkContent);
    assert.equal(second.id, first.id);
  });

  test("a directory that does not exist is an error, not a silent mkdir", async () => {
    await assert.rejects(provider.create(await checked(provider, tap0({ directory: join(directory, "missing") }))), (error: unknown) => {
      assert.ok(error instanceof MissingDirectoryError);
      assert.match(error.message, /does not exist.*NetworkManager/s);
      return true;
    });
  });

  test("create and update refuse unchecked inputs before touching anything", async () => {
    await assert.rejects(provider.create({ kind: "tap", name: "tap0", directory, fileStem: "../escape", managedBy }), /fileStem/);
    await assert.rejects(provider.create({ kind: "tap", name: "tap0", directory: `${directory}/../x`, managedBy }), /directory/);
    assert.deepEqual(listing(), []);
  });

  test("check reports per-property failures through the provider", async () => {
    assert.deepEqual(
      (await failuresOf(provider, { kind: "tap", name: "tap0", directory: "relative", fileStem: "a/b", managedBy })).map((line) => line.split(":")[0]),
      ["directory", "fileStem"],
    );
  });
});

describe("update", () => {
  test("a changed setting rewrites the files in place", async () => {
    const created = await create(provider, tap0());
    const outs = await update(provider, created, tap0({ mtu: 9000, addresses: ["192.168.0.1/24", "fd00::1/64"] }));
    assert.match(read("50-tap0.network"), /^MTUBytes=9000$/m);
    assert.match(read("50-tap0.network"), /^Address=fd00::1\/64$/m);
    assert.equal(outs.networkContent, read("50-tap0.network"));
    assert.equal(outs.mtu, 9000);
    assert.deepEqual(listing(), ["50-tap0.netdev", "50-tap0.network"]);
  });

  test("a hand edit that kept our marker is overwritten (the marker says so)", async () => {
    const created = await create(provider, tap0());
    fs.appendFileSync(join(directory, "50-tap0.network"), "Address=10.9.9.9/24\n");
    await provider.update?.(created.id, created.outs, await checked(provider, tap0()));
    assert.equal(read("50-tap0.network"), created.outs.networkContent);
  });

  test("a file whose marker is gone is refused, and neither file changes", async () => {
    const created = await create(provider, tap0());
    const foreign = "[NetDev]\nName=tap0\nKind=tap\n";
    fs.writeFileSync(join(directory, "50-tap0.netdev"), foreign);
    await assert.rejects(provider.update?.(created.id, created.outs, await checked(provider, tap0({ mtu: 9000 }))) ?? Promise.resolve(), ForeignFileError);
    assert.equal(read("50-tap0.netdev"), foreign);
    assert.equal(read("50-tap0.network"), created.outs.networkContent);
  });

  test("a file removed by hand is written again", async () => {
    const created = await create(provider, tap0());
    fs.rmSync(join(directory, "50-tap0.netdev"));
    await provider.update?.(created.id, created.outs, await checked(provider, tap0({ mtu: 9000 })));
    assert.equal(read("50-tap0.netdev"), created.outs.netdevContent);
  });

  test("a renamed stack (new managedBy) takes over the files it wrote under the old name", async () => {
    const created = await create(provider, tap0());
    await provider.update?.(created.id, created.outs, await checked(provider, tap0({ managedBy: "tuntap-tests/prod/boot" })));
    assert.equal(ownerOfFile(read("50-tap0.netdev")), "tuntap-tests/prod/boot");
  });

  test("a failure halfway puts the first file back as it was", async (t) => {
    const created = await create(provider, tap0());
    // An immutable .network (chattr +i): ours to read, but rename() over it fails with EPERM, after the
    // .netdev was already rewritten.
    const network = join(directory, "50-tap0.network");
    if (spawnSync("chattr", ["+i", network]).status !== 0) {
      t.skip("chattr +i is not available here (needs CAP_LINUX_IMMUTABLE and a file system that supports it)");
      return;
    }
    try {
      await assert.rejects(provider.update?.(created.id, created.outs, await checked(provider, tap0({ owner: 1, mtu: 9000 }))) ?? Promise.resolve(), (error: unknown) => {
        assert.match(String(error), /EPERM.*Rolled back: write .*50-tap0\.netdev/s);
        return true;
      });
    } finally {
      spawnSync("chattr", ["-i", network]);
    }
    assert.equal(read("50-tap0.netdev"), created.outs.netdevContent);
    assert.equal(read("50-tap0.network"), created.outs.networkContent);
    assert.deepEqual(listing(), ["50-tap0.netdev", "50-tap0.network"], "no temporary file is left behind");
  });
});

describe("read (refresh)", () => {
  test("unchanged files: the same outputs", async () => {
    const created = await create(provider, tap0());
    const result = await provider.read?.(created.id, created.outs);
    assert.equal(result?.id, created.id);
    assert.deepEqual(result?.props, created.outs);
  });

  test("both files gone: no id (the resource is dropped from the stack)", async () => {
    const created = await create(provider, tap0());
    fs.rmSync(join(directory, "50-tap0.netdev"));
    fs.rmSync(join(directory, "50-tap0.network"));
    assert.deepEqual(await provider.read?.(created.id, created.outs), {});
  });

  test("markers gone: not ours any more, dropped", async () => {
    const created = await create(provider, tap0());
    for (const name of listing()) fs.writeFileSync(join(directory, name), read(name).split("\n").slice(1).join("\n"));
    assert.deepEqual(await provider.read?.(created.id, created.outs), {});
  });

  test("a hand edit shows in the outputs, and the next diff rewrites it", async () => {
    const created = await create(provider, tap0());
    fs.writeFileSync(join(directory, "50-tap0.network"), read("50-tap0.network").replace("MTUBytes=1500", "MTUBytes=9000"));
    const result = await provider.read?.(created.id, created.outs);
    assert.equal(result?.props?.mtu, 9000);
    assert.equal(result?.props?.networkContent, read("50-tap0.network"));
    const diff = await provider.diff?.(created.id, result?.props ?? {}, await checked(provider, tap0()));
    assert.deepEqual([diff?.changes, diff?.replaces], [true, []]);
  });

  test("one file missing: the other is still ours, the missing one reads as empty", async () => {
    const created = await create(provider, tap0());
    fs.rmSync(join(directory, "50-tap0.netdev"));
    const result = await provider.read?.(created.id, created.outs);
    assert.equal(result?.id, created.id);
    assert.equal(result?.props?.netdevContent, "");
    assert.equal(result?.props?.name, "tap0");
  });
});

describe("delete", () => {
  test("removes both files; already removed is success", async () => {
    const created = await create(provider, tap0());
    await provider.delete?.(created.id, created.outs);
    assert.deepEqual(listing(), []);
    await provider.delete?.(created.id, created.outs);
  });

  test("a file that is no longer ours is refused, and the other one stays too", async () => {
    const created = await create(provider, tap0());
    fs.writeFileSync(join(directory, "50-tap0.netdev"), "[NetDev]\nName=tap0\nKind=tap\n");
    await assert.rejects(provider.delete?.(created.id, created.outs) ?? Promise.resolve(), /refusing to touch .*pulumi state delete/s);
    assert.deepEqual(listing(), ["50-tap0.netdev", "50-tap0.network"]);
  });

  test("only the files inside the declared directory go, whatever paths the recorded state names", async () => {
    const created = await create(provider, tap0());
    const elsewhere = fs.mkdtempSync(join(tmpdir(), "networkd-elsewhere-"));
    try {
      // Files that even carry this resource's marker, at the paths a tampered state records.
      for (const name of ["victim.netdev", "victim.network"]) fs.writeFileSync(join(elsewhere, name), read("50-tap0.netdev"));
      const tampered = { ...created.outs, netdevPath: join(elsewhere, "victim.netdev"), networkPath: join(elsewhere, "victim.network") };
      await provider.delete?.(created.id, tampered);
      assert.deepEqual(listing(), [], "the declared files are removed");
      assert.deepEqual(fs.readdirSync(elsewhere).sort(), ["victim.netdev", "victim.network"], "nothing outside the declared directory is touched");
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test("a recorded directory that is not written plainly removes nothing and says what to do", async () => {
    const created = await create(provider, tap0());
    const tampered = { ...created.outs, directory: `${directory}/../${directory.split("/").at(-1) ?? ""}` };
    await assert.rejects(provider.delete?.(created.id, tampered) ?? Promise.resolve(), /no file is removed.*pulumi state delete/s);
    assert.deepEqual(listing(), ["50-tap0.netdev", "50-tap0.network"]);
  });

  test("the directory itself stays, and neighbours are untouched", async () => {
    fs.writeFileSync(join(directory, "10-eth0.network"), "[Match]\nName=eth0\n");
    const created = await create(provider, tap0());
    await provider.delete?.(created.id, created.outs);
    assert.deepEqual(listing(), ["10-eth0.network"]);
  });
});

describe("the same directory under another spelling", () => {
  test("a symbolic link to the directory: an update in place that keeps the files, not a replacement", async () => {
    const created = await create(provider, tap0());
    const link = `${directory}-link`;
    fs.symlinkSync(directory, link);
    try {
      const news = await checked(provider, tap0({ directory: link }));
      const diff = await provider.diff?.(created.id, created.outs, news);
      assert.deepEqual([diff?.changes, diff?.replaces], [true, []], "the same place is not a replacement");
      const before = listing().map((name) => [name, read(name)]);
      const outs = await update(provider, created, tap0({ directory: link }));
      assert.equal(outs.directory, link);
      assert.deepEqual(listing().map((name) => [name, read(name)]), before, "the files stay as they were");
    } finally {
      fs.rmSync(link);
    }
  });
});

describe("replace", () => {
  test("another fileStem: the engine creates the new files, then deletes the old ones", async () => {
    const created = await create(provider, tap0());
    const news = await checked(provider, tap0({ fileStem: "20-lab" }));
    const diff = await provider.diff?.(created.id, created.outs, news);
    assert.deepEqual([diff?.replaces, diff?.deleteBeforeReplace], [["fileStem"], false]);
    const replacement = await provider.create(news);
    await provider.delete?.(created.id, created.outs);
    assert.equal(replacement.id, `${directory}/20-lab`);
    assert.deepEqual(listing(), ["20-lab.netdev", "20-lab.network"]);
  });
});
