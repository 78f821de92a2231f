/**
 * Counts this process's TCP sockets to a remote port, from /proc (Linux): the socket inodes among the
 * process's file descriptors, matched against the kernel's TCP tables. A socket still dialling
 * (SYN_SENT) counts too: a leaked channel that keeps reconnecting is a leak even while its peer is down.
 * Sockets the process no longer holds (TIME_WAIT, no inode) do not count.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Inodes of the sockets among this process's open file descriptors. */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    let link: string;
    try {
      link = readlinkSync(`/proc/self/fd/${fd}`);
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

/** How many TCP sockets this process holds whose remote end is `port` (any address). */
export function socketsToPort(port: number): number {
  const inodes = ownSocketInodes();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const line of [...tcpTable('/proc/self/net/tcp'), ...tcpTable('/proc/self/net/tcp6')]) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    const columns = line.trim().split(/\s+/);
    const remotePort = columns[2]?.split(':')[1];
    if (remotePort === hexPort && inodes.has(columns[9])) count += 1;
  }
  return count;
}

/** This process's open file descriptors. */
export function openFileDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
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
