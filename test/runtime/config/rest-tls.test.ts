import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { serverTlsOptions } from '../../../src/runtime/config/rest-tls.js';
import { WorkerConfig } from '../../../src/runtime/config/worker-config.js';
import { KEY_PASSWORD, P12_PASSWORD, testCertificates } from '../../helpers/certificates.js';

const certs = testCertificates();

function tlsFor(props: Record<string, string>) {
  return serverTlsOptions(new WorkerConfig({ listeners: 'https://127.0.0.1:0', ...props }).listenersSsl);
}

/** What a properties continuation line or an environment variable leaves of a PEM: one line. */
const oneLine = (pem: string) => pem.replace(/\n/g, ' ');

describe('server TLS options from the ssl.* keys', () => {
  test('a PEM keystore file holds the key and the chain (Kafka’s ssl.keystore.type=PEM with a location)', () => {
    const options = tlsFor({ 'ssl.keystore.location': certs.serverKeystore });
    assert.match(String(options.key), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(new X509Certificate(String(options.cert)).subject, 'CN=server');
    assert.deepEqual([options.requestCert, options.rejectUnauthorized, options.clientAuth], [false, false, 'none']);
    assert.deepEqual([options.minVersion, options.maxVersion], ['TLSv1.2', 'TLSv1.3']);
  });

  test('inline PEM values work even when their line breaks became spaces', () => {
    const options = tlsFor({
      'ssl.keystore.key': oneLine(certs.read(certs.serverKey)),
      'ssl.keystore.certificate.chain': oneLine(certs.read(certs.serverCert) + certs.read(certs.caCert)),
    });
    assert.equal(String(options.cert).match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.equal(new X509Certificate(String(options.cert)).subject, 'CN=server');
  });

  test('an encrypted key opens with ssl.key.password; a wrong one stops the start without showing it', () => {
    const keystore = { 'ssl.keystore.key': certs.read(certs.serverKeyEncrypted), 'ssl.keystore.certificate.chain': certs.read(certs.serverCert) };
    assert.equal(tlsFor({ ...keystore, 'ssl.key.password': KEY_PASSWORD }).passphrase, KEY_PASSWORD);
    assert.throws(
      () => tlsFor({ ...keystore, 'ssl.key.password': 'wrong-password' }),
      (e: Error) =>
        /TLS settings of https listeners \(ssl\.keystore\.\*, ssl\.key\.password\) are unusable/.test(e.message) && !e.message.includes('wrong-password'),
    );
  });

  test('PKCS12 keystores open with ssl.keystore.password; JKS is refused with a way out', () => {
    const options = tlsFor({ 'ssl.keystore.type': 'pkcs12', 'ssl.keystore.location': certs.serverP12, 'ssl.keystore.password': P12_PASSWORD });
    assert.ok(Buffer.isBuffer(options.pfx));
    assert.throws(() => tlsFor({ 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': certs.serverP12, 'ssl.keystore.password': 'nope' }), /are unusable/);
    assert.throws(() => tlsFor({ 'ssl.keystore.type': 'JKS' }), /Invalid value JKS for configuration ssl\.keystore\.type: JKS keystores are Java-only.*PKCS12/);
  });

  test('a key that does not belong to the certificate is caught before listening', () => {
    assert.throws(
      () => tlsFor({ 'ssl.keystore.key': certs.read(certs.clientKey), 'ssl.keystore.certificate.chain': certs.read(certs.serverCert) }),
      /are unusable: .*key values mismatch/,
    );
  });

  test('missing or conflicting keystore settings are named', () => {
    assert.throws(() => tlsFor({}), /needs the server's private key and certificate chain: set ssl\.keystore\.location/);
    assert.throws(
      () => tlsFor({ 'ssl.keystore.location': certs.serverKeystore, 'ssl.keystore.key': certs.read(certs.serverKey) }),
      /either ssl\.keystore\.location or ssl\.keystore\.key/,
    );
    assert.throws(() => tlsFor({ 'ssl.keystore.location': certs.serverCert }), /expected one PEM private key, found 0/);
    assert.throws(() => tlsFor({ 'ssl.keystore.location': certs.serverKey }), /no PEM certificate found/);
    assert.throws(
      () => tlsFor({ 'ssl.keystore.location': '/nonexistent/keystore.pem' }),
      /Cannot read the file \/nonexistent\/keystore\.pem named by ssl\.keystore\.location/,
    );
  });

  test('ssl.client.auth: requested and required need a truststore; the CA list comes from it', () => {
    const keystore = { 'ssl.keystore.location': certs.serverKeystore };
    assert.throws(
      () => tlsFor({ ...keystore, 'ssl.client.auth': 'required' }),
      /ssl\.client\.auth=required needs the CA certificates .* ssl\.truststore\.location/,
    );
    const required = tlsFor({ ...keystore, 'ssl.client.auth': 'required', 'ssl.truststore.location': certs.caCert });
    assert.deepEqual([required.requestCert, required.rejectUnauthorized, required.clientAuth], [true, true, 'required']);
    assert.equal(new X509Certificate(String((required.ca as string[])[0])).subject, 'CN=ca');
    const requested = tlsFor({ ...keystore, 'ssl.client.auth': 'REQUESTED', 'ssl.truststore.certificates': oneLine(certs.read(certs.caCert)) });
    assert.deepEqual([requested.requestCert, requested.rejectUnauthorized, requested.clientAuth], [true, false, 'requested']);
  });

  test('ssl.enabled.protocols bounds the TLS versions', () => {
    const options = tlsFor({ 'ssl.keystore.location': certs.serverKeystore, 'ssl.enabled.protocols': 'TLSv1.3' });
    assert.deepEqual([options.minVersion, options.maxVersion], ['TLSv1.3', 'TLSv1.3']);
    assert.throws(() => tlsFor({ 'ssl.enabled.protocols': 'TLSv1.1' }), /Invalid value TLSv1\.1 for configuration ssl\.enabled\.protocols/);
  });

  test('listeners.https.ssl.* replace the ssl.* keys as a whole when any is set; admin listeners have their own prefix', () => {
    const config = new WorkerConfig({
      listeners: 'https://127.0.0.1:0',
      'admin.listeners': 'https://127.0.0.1:0',
      'ssl.keystore.location': '/nonexistent/top-level.pem',
      'ssl.client.auth': 'required',
      'listeners.https.ssl.keystore.location': certs.serverKeystore,
      'admin.listeners.https.ssl.keystore.location': certs.serverKeystore,
      'admin.listeners.https.ssl.client.auth': 'required',
      'admin.listeners.https.ssl.truststore.location': certs.caCert,
    });
    // the prefixed set wins whole: ssl.client.auth=required at the top level does not leak into it
    assert.equal(serverTlsOptions(config.listenersSsl).clientAuth, 'none');
    assert.equal(serverTlsOptions(config.adminListenersSsl).clientAuth, 'required');
    const topLevel = new WorkerConfig({ 'ssl.keystore.location': certs.serverKeystore });
    assert.equal(topLevel.adminListenersSsl.prefix, '');
    assert.equal(serverTlsOptions(topLevel.adminListenersSsl).clientAuth, 'none');
    assert.throws(
      () => serverTlsOptions(new WorkerConfig({ 'listeners.https.ssl.client.auth': 'none' }).listenersSsl),
      /set listeners\.https\.ssl\.keystore\.location/,
    );
  });
});
