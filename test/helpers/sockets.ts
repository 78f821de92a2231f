/**
 * Counts a process's TCP sockets to a remote port, from /proc (Linux): the socket inodes among the
 * process's file descriptors, matched against the kernel's TCP tables. Every reader takes a pid and
 * defaults to this process; end-to-end tests pass the service's pid. A socket still dialling
 * (SYN_SENT) counts too: a leaked channel that keeps reconnecting is a leak even while its peer is down.
 * Sockets the process no longer holds (TIME_WAIT, no inode) do not count.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process id, or `self` for this process. */
export type Pid = number | 'self';

/** Inodes of the sockets among the process's open file descriptors. */
function socketInodes(pid: Pid): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between readdir and readlink
    }
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match) inodes.add(match[1]);
  }
  return inodes;
}

function tcpTable(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(1);
  } catch {
    return []; // no IPv6 table on this kernel
  }
}

/** How many TCP sockets the process holds whose remote end is `port` (any address). */
export function socketsToPort(port: number, pid: Pid = 'self'): number {
  const inodes = socketInodes(pid);
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const line of [...tcpTable(`/proc/${pid}/net/tcp`), ...tcpTable(`/proc/${pid}/net/tcp6`)]) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    const columns = line.trim().split(/\s+/);
    const remotePort = columns[2]?.split(':')[1];
    if (remotePort === hexPort && inodes.has(columns[9])) count += 1;
  }
  return count;
}

/** The process's open file descriptors. */
export function openFileDescriptors(pid: Pid = 'self'): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The process's resident set size in KiB (`VmRSS` of /proc/<pid>/status). */
/** The OS threads of the process (the main thread, libuv's and V8's helpers, one per running task). */
export function threadCount(pid: Pid = 'self'): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

export function residentSetKiB(pid: Pid = 'self'): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]);
}

/**
 * Waits until `socketsToPort(port)` is at most `limit` (sockets close asynchronously after a client's
 * close resolves), and returns the last count: the caller asserts on it, so a leak fails with the number.
 */
export async function settledSocketsToPort(port: number, limit: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = socketsToPort(port);
  while (count > limit && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    count = socketsToPort(port);
  }
  return count;
}

/** The process's descriptors by kind, sockets by remote port (`tcp:<port>`), for a leak's failure message. */
export function describeDescriptors(pid: Pid = 'self'): Record<string, number> {
  const remotePorts = new Map<string, string>();
  for (const line of [...tcpTable(`/proc/${pid}/net/tcp`), ...tcpTable(`/proc/${pid}/net/tcp6`)]) {
    const columns = line.trim().split(/\s+/);
    remotePorts.set(columns[9], `tcp:${parseInt(columns[2]?.split(':')[1] ?? '0', 16)}`);
  }
  const kinds: Record<string, number> = {};
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const socket = /^socket:\[(\d+)\]$/.exec(link);
    const kind = socket ? (remotePorts.get(socket[1]) ?? 'socket') : link.startsWith('/') ? 'file' : link.replace(/[:[].*$/, '');
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}
