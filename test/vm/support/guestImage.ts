// The guest image (a Debian kernel and our initramfs), made by tools/guest/build-image.sh into its cache and
// reused. When the cache has no image for the current inputs, the script builds one (seconds to a minute:
// it downloads the kernel package) and this says so: a VM test never skips for want of an image.
//
// The download needs the network, which a test's private network namespace does not have: the script runs in
// the host's (test/support/hostNetwork.ts).
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { inHostNetwork } from "../../support/hostNetwork";

export const repositoryRoot = resolve(__dirname, "..", "..", "..", "..");
export const buildScript = resolve(repositoryRoot, "tools", "guest", "build-image.sh");

export interface GuestImage {
  key: string;
  directory: string;
  kernel: string;
  initramfs: string;
  kernelSha256: string;
  initramfsSha256: string;
  /** False when the cache already held it. */
  built: boolean;
}

let cached: GuestImage | undefined;

export function guestImage(): GuestImage {
  if (cached !== undefined) return cached;
  const argv = inHostNetwork([buildScript]);
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) {
    throw new Error(`${buildScript} failed (exit ${result.status ?? result.signal ?? result.error?.message}):\n${result.stderr}`);
  }
  const values = new Map(
    result.stdout
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const),
  );
  const value = (key: string): string => {
    const found = values.get(key);
    if (found === undefined || found === "") throw new Error(`${buildScript} printed no ${key}=; it printed:\n${result.stdout}`);
    return found;
  };
  cached = {
    key: value("key"),
    directory: value("directory"),
    kernel: value("kernel"),
    initramfs: value("initramfs"),
    kernelSha256: value("kernel_sha256"),
    initramfsSha256: value("initramfs_sha256"),
    built: value("status") === "built",
  };
  if (cached.built) process.stderr.write(`the guest image was missing from the cache: built it into ${cached.directory}\n${result.stderr}`);
  return cached;
}

export interface RunDirectory {
  path: string;
  /** The image's copies, readable by the user (the cache may sit under a home directory only root can enter). */
  image: Pick<GuestImage, "kernel" | "initramfs">;
  remove(): void;
}

/** A fresh directory owned by `user` (for pid files and console logs), holding a copy of the image. */
export function runDirectoryFor(image: GuestImage, user: { uid: number; gid: number }): RunDirectory {
  const path = mkdtempSync(join(tmpdir(), "pulumi-tuntap-vm-"));
  chmodSync(path, 0o755);
  chownSync(path, user.uid, user.gid);
  const kernel = join(path, "vmlinuz");
  const initramfs = join(path, "initramfs.cpio.gz");
  copyFileSync(image.kernel, kernel);
  copyFileSync(image.initramfs, initramfs);
  return { path, image: { kernel, initramfs }, remove: () => rmSync(path, { recursive: true, force: true }) };
}
