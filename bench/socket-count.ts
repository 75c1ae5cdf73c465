/**
 * How many connections a server process holds on its port, from /proc: the sockets it
 * accepted there, less those whose other end is a socket of its own (its handlers calling
 * its own HTTP API over keep-alive). A connection the server forgot to let go of stays here,
 * whatever the server's own bookkeeping says.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

interface TcpEntry {
  localPort: number;
  remotePort: number;
  state: string;
}

const LISTEN = '0A';

function tcpEntries(): Map<string, TcpEntry> {
  const byInode = new Map<string, TcpEntry>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const inode = f[9];
      if (!inode || inode === '0') continue;
      byInode.set(inode, {
        localPort: Number.parseInt(f[1]?.split(':')[1] ?? '', 16),
        remotePort: Number.parseInt(f[2]?.split(':')[1] ?? '', 16),
        state: f[3] ?? '',
      });
    }
  }
  return byInode;
}

function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) out.add(m[1]);
    } catch {
      // closed since the listing
    }
  }
  return out;
}

/** Connections `pid` accepted on `port` from other processes; null when it cannot be read. */
export function acceptedConnections(pid: number, port: number): number | null {
  const inodes = socketInodes(pid);
  if (inodes.size === 0) return null;
  const entries = tcpEntries();
  const own = [...inodes].map((i) => entries.get(i)).filter((e): e is TcpEntry => !!e);
  // Its own outgoing sockets to its port: their local ports are the remote ends to leave out.
  const selfCalls = new Set(
    own.filter((e) => e.remotePort === port && e.localPort !== port).map((e) => e.localPort),
  );
  return own.filter(
    (e) => e.localPort === port && e.state !== LISTEN && !selfCalls.has(e.remotePort),
  ).length;
}
