/**
 * TLS material of a broker and the gRPC credentials built from it: the client listener (TLS, client
 * certificates requested but optional), the inter-broker listener (mutual TLS: a certificate from
 * the CA is required), and the channels a broker opens to its peers (presenting its own certificate
 * and accepting only the peer it meant to reach, by the CN `broker-<id>`).
 */
import { readFileSync } from 'node:fs';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';

export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** The files a broker's TLS material comes from, with the config key each was named by (for errors). */
export interface TlsFiles {
  ca: { key: string; file: string };
  cert: { key: string; file: string };
  key: { key: string; file: string };
}

export class TlsConfigError extends Error {
  override name = 'TlsConfigError';
}

/** Reads the three PEM files; an unreadable one is a TlsConfigError naming the key and the file. */
export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const read = ({ key, file }: { key: string; file: string }): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new TlsConfigError(`${key}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  return { ca: read(files.ca), cert: read(files.cert), key: read(files.key) };
}

/** The CN every broker's certificate carries. */
export function brokerCommonName(brokerId: number): string {
  return `broker-${brokerId}`;
}

/** The broker id a certificate CN names (`broker-<id>`), or undefined for any other name. */
export function brokerIdOfCommonName(name: string | undefined): number | undefined {
  const match = name === undefined ? null : /^broker-([1-9]\d{0,8})$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * A certificate provider that never changes (grpc-js asks for one to build optional-client-cert
 * credentials). It answers a new listener on the next microtask: grpc-js registers its own watcher
 * only after adding the listener, and an answer given at once would reach nobody.
 */
function staticProvider(material: TlsMaterial): grpc.experimental.CertificateProvider {
  return {
    addCaCertificateListener: (listener) => queueMicrotask(() => listener({ caCertificate: material.ca })),
    removeCaCertificateListener: () => undefined,
    addIdentityCertificateListener: (listener) => queueMicrotask(() => listener({ certificate: material.cert, privateKey: material.key })),
    removeIdentityCertificateListener: () => undefined,
  };
}

/**
 * Client listener: TLS with the broker's certificate; a client certificate is requested and, when
 * the CA verifies it, names the caller (peer-identity.ts), but a client without one is let in (it
 * may authenticate otherwise). grpc-js's createSsl can only require or not request one.
 */
export function clientListenerCredentials(material: TlsMaterial): grpc.ServerCredentials {
  const provider = staticProvider(material);
  return grpc.experimental.createCertificateProviderServerCredentials(provider, provider, false);
}

/** Inter-broker listener: mutual TLS; the handshake fails without a certificate signed by the CA. */
export function interBrokerListenerCredentials(material: TlsMaterial): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(material.ca, [{ cert_chain: material.cert, private_key: material.key }], true);
}

/**
 * Credentials for dialling broker `peerId`: present this broker's certificate, and accept the peer
 * only if its certificate (besides matching the host name) is broker `peerId`'s.
 */
export function peerChannelCredentials(material: TlsMaterial, peerId: number): grpc.ChannelCredentials {
  const expected = brokerCommonName(peerId);
  return grpc.credentials.createSsl(material.ca, material.key, material.cert, {
    checkServerIdentity: (host: string, cert: PeerCertificate) => {
      const hostError = checkServerIdentity(host, cert);
      if (hostError !== undefined) return hostError;
      const name = cert.subject?.CN;
      return name === expected ? undefined : new Error(`expected the certificate of ${expected}, got CN ${String(name)}`);
    },
  });
}
