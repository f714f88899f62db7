import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientConfigError, clientSecurityOf, loadClientConfig, parseProperties } from '../../src/client/client-config.js';

const FILE = '/etc/sluice/client.properties';

/** Parses `text` as FILE, with PEM "files" served from `files` (paths resolved against /etc/sluice). */
function parse(text: string, files: Record<string, string> = {}): ReturnType<typeof clientSecurityOf> {
  return clientSecurityOf(parseProperties(text, FILE), FILE, (path) => {
    const content = files[path];
    if (content === undefined) throw new Error('ENOENT: no such file');
    return Buffer.from(content);
  });
}

function failure(run: () => unknown): ClientConfigError {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(ClientConfigError);
    return err as ClientConfigError;
  }
  return expect.fail('accepted') as never;
}

describe('client/client-config', () => {
  it('is plaintext and anonymous without settings', () => {
    expect(parse('')).to.deep.equal({});
    expect(parse('# only a comment\nsecurity.protocol=PLAINTEXT\nclient.id=ignored\n')).to.deep.equal({});
  });

  it('reads SSL with a CA only, and with a client certificate (mutual TLS); relative paths from the file', () => {
    const files = { '/etc/sluice/ca.pem': 'CA', '/etc/sluice/tls/me.pem': 'CERT', '/keys/me.key': 'KEY' };
    const caOnly = parse('security.protocol=SSL\nssl.ca.location=ca.pem\n', files);
    expect(caOnly.tls?.ca.toString()).to.equal('CA');
    expect(caOnly.tls?.cert).to.equal(undefined);
    const mutual = parse('security.protocol=ssl\nssl.ca.location=/etc/sluice/ca.pem\nssl.certificate.location=tls/me.pem\nssl.key.location=/keys/me.key\n', files);
    expect(mutual.tls?.cert?.toString()).to.equal('CERT');
    expect(mutual.tls?.key?.toString()).to.equal('KEY');
    expect(mutual.sasl).to.equal(undefined);
  });

  it('reads SASL_SSL with SCRAM credentials (parsed for the authentication layer)', () => {
    const security = parse(
      'security.protocol=SASL_SSL\nssl.ca.location=ca.pem\nsasl.mechanism=SCRAM-SHA-512\nsasl.username=alice\nsasl.password=s3cret=x\n',
      { '/etc/sluice/ca.pem': 'CA' },
    );
    expect(security.sasl).to.deep.equal({ mechanism: 'SCRAM-SHA-512', username: 'alice', password: 's3cret=x' });
    expect(security.tls?.ca.toString()).to.equal('CA');
    expect(parse('security.protocol=SASL_PLAINTEXT\nsasl.mechanisms=scram-sha-256\nsasl.username=a\nsasl.password=b\n').sasl?.mechanism).to.equal('SCRAM-SHA-256');
  });

  const bad: Array<[string, string, RegExp]> = [
    ['an unknown protocol', 'security.protocol=TLS\n', /client\.properties: security\.protocol: expected one of PLAINTEXT/],
    ['SSL without a CA', 'security.protocol=SSL\n', /client\.properties: ssl\.ca\.location: is required/],
    ['an unreadable CA', 'security.protocol=SSL\nssl.ca.location=missing.pem\n', /ssl\.ca\.location: cannot read missing\.pem/],
    ['a certificate without its key', 'security.protocol=SSL\nssl.ca.location=ca.pem\nssl.certificate.location=ca.pem\n', /ssl\.key\.location: a client certificate needs both/],
    ['TLS files with PLAINTEXT', 'ssl.ca.location=ca.pem\n', /ssl\.ca\.location: has no effect with security\.protocol=PLAINTEXT/],
    ['an unknown SASL mechanism', 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=a\nsasl.password=b\n', /sasl\.mechanism: expected one of SCRAM-SHA-256/],
    ['SASL without a password', 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.username=a\n', /sasl\.password: is required/],
    ['a line without =', 'security.protocol\n', /client\.properties:1: expected key=value/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}, naming the file and key`, () => {
      expect(failure(() => parse(text, { '/etc/sluice/ca.pem': 'CA' })).message).to.match(message);
    });
  }

  it('loads a file from disk and names it when it cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-client-config-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'CA');
      writeFileSync(join(dir, 'client.properties'), 'security.protocol=SSL\nssl.ca.location=ca.pem\n');
      expect(loadClientConfig(join(dir, 'client.properties')).tls?.ca.toString()).to.equal('CA');
      expect(failure(() => loadClientConfig(join(dir, 'none.properties'))).message).to.match(/cannot read client config .*none\.properties/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
