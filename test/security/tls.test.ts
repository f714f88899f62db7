/**
 * The listeners' and peer channels' credentials (src/security/tls.ts) on an in-process gRPC server
 * with real certificates from scripts/tls-certs.sh: who the server sees (verifiedPeerName) and
 * whom a broker agrees to dial.
 */
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { verifiedPeerName } from '../../src/security/peer-identity.js';
import {
  brokerIdOfCommonName,
  clientListenerCredentials,
  interBrokerListenerCredentials,
  peerChannelCredentials,
  readTlsMaterial,
  type TlsMaterial,
} from '../../src/security/tls.js';
import { TestCertificates } from '../helpers/tls.js';

/** One unary method answering the caller's verified certificate name ('' without one). */
const WHO: grpc.ServiceDefinition = {
  Who: {
    path: '/sluice.test.Echo/Who',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};

function material(certs: TestCertificates, name: string): TlsMaterial {
  return readTlsMaterial({
    ca: { key: 'tls.ca.file', file: certs.path('ca.pem') },
    cert: { key: 'tls.cert.file', file: certs.path(`${name}.pem`) },
    key: { key: 'tls.key.file', file: certs.path(`${name}.key`) },
  });
}

async function serve(credentials: grpc.ServerCredentials): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  server.addService(WHO, {
    Who: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, Buffer.from(verifiedPeerName(call) ?? '')),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return { server, address: `127.0.0.1:${port}` };
}

/** Calls Who; resolves to the name the server saw, or the gRPC status code of the failure. */
function who(address: string, credentials: grpc.ChannelCredentials): Promise<string | grpc.status> {
  const Client = grpc.makeGenericClientConstructor(WHO, 'Echo');
  const client = new Client(address, credentials);
  return new Promise((resolve) => {
    client.makeUnaryRequest(WHO.Who!.path, (v: Buffer) => v, (b: Buffer) => b, Buffer.alloc(0), { deadline: Date.now() + 10_000 }, (err, value) => {
      client.close();
      resolve(err ? err.code : (value as Buffer).toString());
    });
  });
}

describe('security/tls: listener and peer credentials', function () {
  this.timeout(60_000);
  let certs: TestCertificates;
  let otherCa: TestCertificates;
  const servers: grpc.Server[] = [];
  before(() => {
    certs = TestCertificates.make();
    otherCa = TestCertificates.make();
  });
  after(() => {
    for (const server of servers) server.forceShutdown();
    certs.cleanup();
    otherCa.cleanup();
  });

  it('reads the CN of broker certificates only', () => {
    expect(brokerIdOfCommonName('broker-3')).to.equal(3);
    for (const name of ['admin', 'broker-0', 'broker-03', 'broker-', 'xbroker-1', 'broker-1 ', undefined]) expect(brokerIdOfCommonName(name)).to.equal(undefined);
  });

  it('names the file and key it cannot read', () => {
    expect(() => readTlsMaterial({ ca: { key: 'tls.ca.file', file: '/no/such/ca.pem' }, cert: { key: 'c', file: 'c' }, key: { key: 'k', file: 'k' } })).to.throw(
      /tls\.ca\.file: cannot read \/no\/such\/ca\.pem/,
    );
  });

  it('client listener: TLS, a verified client certificate names the caller, none or an untrusted one is anonymous', async () => {
    const { server, address } = await serve(clientListenerCredentials(material(certs, 'broker-1')));
    servers.push(server);
    expect(await who(address, grpc.credentials.createInsecure())).to.equal(grpc.status.UNAVAILABLE);
    expect(await who(address, certs.credentials())).to.equal('');
    expect(await who(address, certs.credentials('admin'))).to.equal('admin');
    // A certificate the broker's CA did not sign is no identity (and no reason to refuse the connection).
    const foreign = grpc.credentials.createSsl(certs.read('ca.pem'), otherCa.read('admin.key'), otherCa.read('admin.pem'));
    expect(await who(address, foreign)).to.equal('');
  });

  it('inter-broker listener: only callers with a certificate from the CA get in', async () => {
    const { server, address } = await serve(interBrokerListenerCredentials(material(certs, 'broker-1')));
    servers.push(server);
    expect(await who(address, certs.credentials())).to.equal(grpc.status.UNAVAILABLE);
    const foreign = grpc.credentials.createSsl(certs.read('ca.pem'), otherCa.read('broker-2.key'), otherCa.read('broker-2.pem'));
    expect(await who(address, foreign)).to.equal(grpc.status.UNAVAILABLE);
    expect(await who(address, certs.credentials('broker-2'))).to.equal('broker-2');
    expect(await who(address, certs.credentials('admin'))).to.equal('admin');
  });

  it('a broker dialling a peer presents its certificate and accepts only the peer it meant to reach', async () => {
    const { server, address } = await serve(interBrokerListenerCredentials(material(certs, 'broker-2')));
    servers.push(server);
    expect(await who(address, peerChannelCredentials(material(certs, 'broker-1'), 2))).to.equal('broker-1');
    expect(await who(address, peerChannelCredentials(material(certs, 'broker-1'), 3))).to.equal(grpc.status.UNAVAILABLE);
  });
});
