/**
 * Turns the `ssl.*` worker keys of https listeners into Node TLS server options: reads the PEM or PKCS12
 * files, accepts Kafka's inline PEM values (whose line breaks a properties line or an environment
 * variable may have turned into spaces), and proves the result usable before any socket is opened, so
 * a wrong password or a key that does not match its certificate stops the start with a message naming
 * the keys. Secrets never appear in these messages.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions, type SecureVersion } from 'node:tls';
import { ConfigError, type Password } from '../../plugin/index.js';
import type { SslSettings } from './rest-server-config.js';

export type ClientAuth = 'none' | 'requested' | 'required';

/** What an https server needs; plain data, handed to the HTTP layer by main.ts. */
export interface ServerTlsOptions extends SecureContextOptions {
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
  /** `requested`: the server must close connections that presented a certificate which did not verify. */
  readonly clientAuth: ClientAuth;
}

interface PemBlock {
  readonly label: string;
  readonly text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The PEM blocks in `text`. A block whose body lost its line breaks (inline values) is rewrapped;
 * one with real line breaks is kept verbatim (legacy encrypted keys carry header lines).
 */
function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map(([block, label, body]) => {
    if (/\n/.test(body.trim())) return { label, text: `${block}\n` };
    const base64 = body.replace(/\s+/g, '');
    return { label, text: `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n` };
  });
}

const isKey = (b: PemBlock) => b.label.endsWith('PRIVATE KEY');
const isCertificate = (b: PemBlock) => b.label === 'CERTIFICATE';

function readFile(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`Cannot read the file ${path} named by ${key}: ${(e as Error).message}`, { cause: e });
  }
}

class Keys {
  constructor(private readonly settings: SslSettings) {}
  name(key: string): string {
    return `${this.settings.prefix}${key}`;
  }
  string(key: string): string | null {
    return this.settings.config.getString(key) || null;
  }
  password(key: string): string | null {
    return (this.settings.config.getPassword(key) as Password | null)?.value || null;
  }
}

function pemKeystore(keys: Keys): Pick<SecureContextOptions, 'key' | 'cert' | 'passphrase'> {
  const location = keys.string('ssl.keystore.location');
  const inlineKey = keys.password('ssl.keystore.key');
  const inlineChain = keys.password('ssl.keystore.certificate.chain');
  if (location !== null && (inlineKey !== null || inlineChain !== null)) {
    throw new ConfigError(
      `Set either ${keys.name('ssl.keystore.location')} or ${keys.name('ssl.keystore.key')} with ${keys.name('ssl.keystore.certificate.chain')}, not both`,
    );
  }
  let blocks: PemBlock[];
  let where: string;
  if (location !== null) {
    blocks = pemBlocks(readFile(keys.name('ssl.keystore.location'), location).toString('utf8'));
    where = `the file ${location} (${keys.name('ssl.keystore.location')})`;
  } else if (inlineKey !== null && inlineChain !== null) {
    blocks = [...pemBlocks(inlineKey).filter(isKey), ...pemBlocks(inlineChain).filter(isCertificate)];
    where = `${keys.name('ssl.keystore.key')} and ${keys.name('ssl.keystore.certificate.chain')}`;
  } else {
    throw new ConfigError(
      `An https listener needs the server's private key and certificate chain: set ${keys.name('ssl.keystore.location')} (a PEM file with both), or ${keys.name('ssl.keystore.key')} and ${keys.name('ssl.keystore.certificate.chain')}`,
    );
  }
  const privateKeys = blocks.filter(isKey);
  const certificates = blocks.filter(isCertificate);
  if (privateKeys.length !== 1) throw new ConfigError(`${where}: expected one PEM private key, found ${privateKeys.length}`);
  if (certificates.length === 0) throw new ConfigError(`${where}: no PEM certificate found`);
  const passphrase = keys.password('ssl.key.password');
  return { key: privateKeys[0].text, cert: certificates.map((c) => c.text).join(''), ...(passphrase === null ? {} : { passphrase }) };
}

function pkcs12Keystore(keys: Keys): Pick<SecureContextOptions, 'pfx' | 'passphrase'> {
  const location = keys.string('ssl.keystore.location');
  if (location === null) throw new ConfigError(`${keys.name('ssl.keystore.type')}=PKCS12 needs ${keys.name('ssl.keystore.location')} (the .p12 file)`);
  if (keys.password('ssl.keystore.key') !== null || keys.password('ssl.keystore.certificate.chain') !== null) {
    throw new ConfigError(
      `${keys.name('ssl.keystore.key')} and ${keys.name('ssl.keystore.certificate.chain')} are PEM values; with PKCS12 use ${keys.name('ssl.keystore.location')}`,
    );
  }
  const passphrase = keys.password('ssl.keystore.password');
  return { pfx: readFile(keys.name('ssl.keystore.location'), location), ...(passphrase === null ? {} : { passphrase }) };
}

/** The CA certificates client certificates must chain to; null when none is configured. */
function truststore(keys: Keys): string[] | null {
  const location = keys.string('ssl.truststore.location');
  const inline = keys.password('ssl.truststore.certificates');
  if (location !== null && inline !== null) {
    throw new ConfigError(`Set either ${keys.name('ssl.truststore.location')} or ${keys.name('ssl.truststore.certificates')}, not both`);
  }
  if (location === null && inline === null) return null;
  const where = location !== null ? `the file ${location} (${keys.name('ssl.truststore.location')})` : keys.name('ssl.truststore.certificates');
  const certificates = pemBlocks(location !== null ? readFile(keys.name('ssl.truststore.location'), location).toString('utf8') : inline!).filter(isCertificate);
  if (certificates.length === 0) throw new ConfigError(`${where}: no PEM certificate found`);
  return certificates.map((c) => c.text);
}

const VERSIONS: readonly SecureVersion[] = ['TLSv1.2', 'TLSv1.3'];

/** Node TLS server options from the TLS settings of one kind of listener; throws ConfigError naming the keys. */
export function serverTlsOptions(settings: SslSettings): ServerTlsOptions {
  const keys = new Keys(settings);
  const type = keys.string('ssl.keystore.type')!.toUpperCase();
  const clientAuth = keys.string('ssl.client.auth')!.toLowerCase() as ClientAuth;
  const ca = truststore(keys);
  if (clientAuth !== 'none' && ca === null) {
    throw new ConfigError(
      `${keys.name('ssl.client.auth')}=${clientAuth} needs the CA certificates client certificates must chain to: set ${keys.name('ssl.truststore.location')} or ${keys.name('ssl.truststore.certificates')}`,
    );
  }
  const enabled = settings.config.getList('ssl.enabled.protocols') as SecureVersion[];
  const versions = VERSIONS.filter((v) => enabled.includes(v));
  const options: ServerTlsOptions = {
    ...(type === 'PKCS12' ? pkcs12Keystore(keys) : pemKeystore(keys)),
    ...(ca === null ? {} : { ca }),
    minVersion: versions[0],
    maxVersion: versions[versions.length - 1],
    requestCert: clientAuth !== 'none',
    rejectUnauthorized: clientAuth === 'required',
    clientAuth,
  };
  try {
    createSecureContext(options);
  } catch (e) {
    const involved =
      type === 'PKCS12'
        ? [keys.name('ssl.keystore.location'), keys.name('ssl.keystore.password')]
        : [keys.name('ssl.keystore.*'), keys.name('ssl.key.password')];
    throw new ConfigError(`The TLS settings of https listeners (${involved.join(', ')}) are unusable: ${(e as Error).message}`, { cause: e });
  }
  return options;
}
