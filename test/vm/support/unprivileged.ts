// Who runs the VMMs and the tunnel program in these tests: `nobody`, the user the examples name by default
// (vm-lab's and vpn-tun's `user`), present on every Debian system, so CI needs no account of its own. It owns
// the taps and tuns it opens and has no capability: it can attach to them, nothing more.
import { execFileSync } from "node:child_process";

export interface UnprivilegedUser {
  name: string;
  uid: number;
  gid: number;
}

export function unprivilegedUser(name = "nobody"): UnprivilegedUser {
  const id = (flag: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim());
  const user = { name, uid: id("-u"), gid: id("-g") };
  if (user.uid === 0) throw new Error(`${name} is root: the VM tests need an unprivileged user`);
  return user;
}
