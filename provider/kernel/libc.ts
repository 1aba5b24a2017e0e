// Bindings to the few libc functions the kernel layer needs, through koffi.
//
// They are loaded on first use, never at import time: a program that only declares resources, and the
// dynamic-provider host until its first call, should not need the native library at all.
//
// Every prototype is fixed (no `...`): ioctl and open are variadic in C, but on the ABIs Node runs on
// (x86_64 System V, AAPCS64) an integer or pointer passed as a variadic argument travels exactly like a
// fixed one, and fixed prototypes avoid koffi's slower variadic call path. Two `ioctl` declarations exist
// because the third argument is a pointer for some requests and a plain value for others (TUNSETOWNER!).
import type * as Koffi from "koffi" with { "resolution-mode": "import" };

// koffi's package is an ES module with a CommonJS twin; its type declarations describe the ESM side only,
// so the CommonJS build is required here and typed with those declarations.
const koffi: typeof Koffi = require("koffi");

export interface Libc {
  open(path: string, flags: number): number;
  close(fd: number): number;
  /** ioctl whose argument is a pointer to a buffer the kernel reads or fills. */
  ioctlBuffer(fd: number, request: number, argument: Buffer): number;
  /** ioctl whose argument is an integer passed by value. */
  ioctlValue(fd: number, request: number, argument: number): number;
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, address: Buffer, addressLength: number): number;
  getsockname(fd: number, address: Buffer, addressLength: Buffer): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, valueLength: number): number;
  send(fd: number, buffer: Buffer, length: number, flags: number): number;
  recv(fd: number, buffer: Buffer, length: number, flags: number): number;
  /**
   * send(2) on a worker thread, for requests the kernel takes long to carry out inside the send (deleting
   * links waits for an RCU grace period): the event loop keeps running meanwhile.
   */
  sendOnWorker(fd: number, buffer: Buffer, length: number, flags: number): Promise<{ result: number; errno: number }>;
  setns(fd: number, namespaceType: number): number;
  unshare(flags: number): number;
  mount(source: string, target: string, filesystemType: string, flags: number, data: null): number;
  umount2(target: string, flags: number): number;
  getpwnam_r(name: string, passwd: Buffer, buffer: Buffer, bufferLength: number, result: Buffer): number;
  getgrnam_r(name: string, group: Buffer, buffer: Buffer, bufferLength: number, result: Buffer): number;
  /** The calling thread's errno after the last call that failed. */
  errno(): number;
}

let loaded: Libc | undefined;

export function libc(): Libc {
  if (loaded === undefined) {
    loaded = bindLibc();
  }
  return loaded;
}

function bindLibc(): Libc {
  const lib = koffi.load("libc.so.6");
  const send = lib.func("intptr_t send(int fd, void *buffer, size_t length, int flags)");
  return {
    open: lib.func("int open(const char *path, int flags)"),
    close: lib.func("int close(int fd)"),
    ioctlBuffer: lib.func("ioctl", "int", ["int", "unsigned long", "void *"]),
    ioctlValue: lib.func("ioctl", "int", ["int", "unsigned long", "unsigned long"]),
    socket: lib.func("int socket(int domain, int type, int protocol)"),
    bind: lib.func("int bind(int fd, void *address, uint32_t length)"),
    getsockname: lib.func("int getsockname(int fd, void *address, void *length)"),
    setsockopt: lib.func("int setsockopt(int fd, int level, int name, void *value, uint32_t length)"),
    send,
    sendOnWorker: (fd, buffer, length, flags) =>
      new Promise((resolve, reject) => {
        send.async(fd, buffer, length, flags, (error: unknown, result: number) => {
          if (error) reject(error);
          // koffi makes the worker's errno readable in the callback.
          else resolve({ result, errno: result < 0 ? koffi.errno() : 0 });
        });
      }),
    recv: lib.func("intptr_t recv(int fd, void *buffer, size_t length, int flags)"),
    setns: lib.func("int setns(int fd, int nstype)"),
    unshare: lib.func("int unshare(int flags)"),
    mount: lib.func("int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)"),
    umount2: lib.func("int umount2(const char *target, int flags)"),
    getpwnam_r: lib.func("int getpwnam_r(const char *name, void *pwd, void *buf, size_t buflen, void *result)"),
    getgrnam_r: lib.func("int getgrnam_r(const char *name, void *grp, void *buf, size_t buflen, void *result)"),
    errno: () => koffi.errno(),
  };
}
