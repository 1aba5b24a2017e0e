// A guest's serial console as it arrives, line by line, each stamped with the time since its QEMU was
// started, so a test can wait for a line and tell how long the guest took to print it.
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";

export interface ConsoleLine {
  text: string;
  /** Milliseconds from QEMU's start to the line's arrival. */
  atMs: number;
}

interface Waiter {
  pattern: RegExp;
  resolve(line: ConsoleLine): void;
  reject(error: Error): void;
}

export class GuestConsole {
  readonly lines: ConsoleLine[] = [];
  private partial = "";
  private waiters: Waiter[] = [];
  private endReason: string | undefined;

  constructor(
    readonly name: string,
    private readonly startedAt = performance.now(),
  ) {}

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  push(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const part of parts) this.add(part.replace(/\r$/, ""));
  }

  /** No more output will come (QEMU exited, or was stopped): pending waits fail with the reason. */
  end(reason: string): void {
    if (this.endReason !== undefined) return;
    if (this.partial !== "") this.add(this.partial);
    this.partial = "";
    this.endReason = reason;
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure(waiter.pattern));
  }

  /** The first line (already printed or still to come) that matches. */
  waitFor(pattern: RegExp): Promise<ConsoleLine> {
    const found = this.lines.find((line) => pattern.test(line.text));
    if (found !== undefined) return Promise.resolve(found);
    if (this.endReason !== undefined) return Promise.reject(this.failure(pattern));
    return new Promise((resolve, reject) => this.waiters.push({ pattern, resolve, reject }));
  }

  tail(count = 40): string {
    return this.lines
      .slice(-count)
      .map((line) => line.text)
      .join("\n");
  }

  private add(text: string): void {
    const line = { text, atMs: this.elapsedMs() };
    this.lines.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.pattern.test(text)) return true;
      waiter.resolve(line);
      return false;
    });
  }

  private failure(pattern: RegExp): Error {
    return new Error(`${this.name}: ${this.endReason} before a console line matching ${pattern}; the console's last lines:\n${this.tail()}`);
  }
}

/** Feeds a console from a file QEMU writes (`-serial file:PATH`), read as it grows; returns the stop function. */
export function followFile(path: string, into: GuestConsole, intervalMs = 100): () => void {
  let fd: number | undefined;
  let offset = 0;
  const buffer = Buffer.alloc(65536);
  const decoder = new StringDecoder("utf8");
  const poll = () => {
    if (fd === undefined) {
      if (!existsSync(path)) return;
      fd = openSync(path, "r");
    }
    for (;;) {
      const length = readSync(fd, buffer, 0, buffer.length, offset);
      if (length === 0) return;
      offset += length;
      into.push(decoder.write(buffer.subarray(0, length)));
    }
  };
  const timer = setInterval(poll, intervalMs);
  return () => {
    clearInterval(timer);
    poll();
    if (fd !== undefined) closeSync(fd);
  };
}
