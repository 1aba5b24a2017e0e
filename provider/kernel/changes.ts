// A counter of changes this process made to network devices. Cached reads (see snapshot.ts) remember the
// count they were taken at and are discarded once it moves, even for changes the kernel does not announce
// over rtnetlink (some TUN ioctls).

let changeCount = 0;

export function noteLocalChange(): void {
  changeCount++;
}

export function localChangeCount(): number {
  return changeCount;
}
