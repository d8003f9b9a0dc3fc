import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * The live processes of a process group: on Linux, every `/proc/<pid>/stat` whose process group is
 * `pgid` and whose state is not zombie or dead (an orphan killed with its group stays a zombie
 * until whoever adopted it reaps it, and is no longer running). Elsewhere, `[pgid]` while
 * `kill(-pgid, 0)` finds the group, else none.
 */
export function groupMembers(pgid: number): number[] {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone between the listing and the read
    }
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (Number(fields[2]) === pgid && state !== 'Z' && state !== 'X') members.push(Number(name));
  }
  return members;
}

/** Sends `signal` to every process of the group; false if there is none left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
