/** A REST listener: `http://host:port` or `https://host:port`; an empty host means every interface. */
export interface Listener {
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  /** as configured */
  readonly url: string;
}

// Kafka's RestServer listener pattern: a scheme, an optional (bracketed IPv6) host, a mandatory port
const LISTENER = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:\[([0-9A-Za-z%.:]*)\]|([0-9A-Za-z\-%._]*)):(\d{1,5})\/?$/;

/** Parses one listener URL; throws a plain Error saying what is wrong. */
export function parseListener(url: string): Listener {
  const match = LISTENER.exec(url.trim());
  if (!match) throw new Error(`Could not parse listener '${url}': expected <protocol>://<host>:<port>, e.g. http://:8083`);
  const protocol = match[1].toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') throw new Error(`Listener '${url}' has the unknown protocol '${match[1]}'; use http or https`);
  const port = Number(match[4]);
  if (port > 65535) throw new Error(`Listener '${url}' has the port ${port}, above 65535`);
  return { protocol, host: match[2] ?? match[3], port, url: url.trim() };
}

/** Whether only this machine can reach the listener (an empty host is every interface, so not loopback). */
export function isLoopback(listener: Listener): boolean {
  return listener.host === 'localhost' || listener.host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(listener.host);
}
