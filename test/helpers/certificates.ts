/**
 * Throw-away TLS material for the https tests, made once per test process with the openssl CLI (Node
 * can parse certificates but not issue them): a CA, a server certificate for 127.0.0.1/localhost, a
 * client certificate from the same CA, a client certificate from an unrelated CA, the server key
 * encrypted (PKCS#8), and a PKCS12 keystore. Everything lives in a temp dir removed at exit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KEY_PASSWORD = 'key-secret-123';
export const P12_PASSWORD = 'p12-secret-456';

export interface TestCertificates {
  readonly dir: string;
  /** file paths */
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  /** the server key followed by its certificate: a Kafka PEM keystore file */
  readonly serverKeystore: string;
  readonly serverKeyEncrypted: string;
  readonly serverP12: string;
  readonly clientKey: string;
  readonly clientCert: string;
  readonly strangerKey: string;
  readonly strangerCert: string;
  read(path: string): string;
}

function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('The https tests need the openssl command (Debian: apt-get install openssl)');
    throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr?.toString() ?? err.message}`);
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '3650', '-subj', `/CN=${name}`], dir);
}

function issue(dir: string, name: string, ca: string, extensions: string): void {
  openssl(['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  writeFileSync(join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '3650',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

let made: TestCertificates | undefined;

export function testCertificates(): TestCertificates {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'milvus-connect-tls-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  makeCa(dir, 'ca');
  makeCa(dir, 'stranger-ca');
  issue(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
  issue(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth');
  issue(dir, 'stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth');
  openssl(['pkcs8', '-topk8', '-in', 'server.key', '-out', 'server-encrypted.key', '-passout', `pass:${KEY_PASSWORD}`], dir);
  openssl(['pkcs12', '-export', '-inkey', 'server.key', '-in', 'server.crt', '-out', 'server.p12', '-passout', `pass:${P12_PASSWORD}`], dir);
  const path = (name: string) => join(dir, name);
  writeFileSync(path('server-keystore.pem'), readFileSync(path('server.key'), 'utf8') + readFileSync(path('server.crt'), 'utf8'));
  made = {
    dir,
    caCert: path('ca.crt'),
    serverKey: path('server.key'),
    serverCert: path('server.crt'),
    serverKeystore: path('server-keystore.pem'),
    serverKeyEncrypted: path('server-encrypted.key'),
    serverP12: path('server.p12'),
    clientKey: path('client.key'),
    clientCert: path('client.crt'),
    strangerKey: path('stranger.key'),
    strangerCert: path('stranger.crt'),
    read: (p: string) => readFileSync(p, 'utf8'),
  };
  return made;
}
