/**
 * Real certificates for tests, made by the same script as the secure cluster's
 * (scripts/tls-certs.sh) into a temporary directory: a CA, broker-1..3 (CN broker-N) and admin.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PROJECT_ROOT } from './broker-process.js';

export class TestCertificates {
  private constructor(readonly dir: string) {}

  static make(): TestCertificates {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'));
    try {
      execFileSync(join(PROJECT_ROOT, 'scripts/tls-certs.sh'), [dir], { stdio: 'pipe' });
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return new TestCertificates(dir);
  }

  path(file: string): string {
    return join(this.dir, file);
  }

  read(file: string): Buffer {
    return readFileSync(this.path(file));
  }

  /** Broker flags for TLS on both listeners with broker `id`'s certificate. */
  brokerArgs(id: number, listeners: { client?: boolean; interBroker?: boolean } = {}): string[] {
    return [
      '--tls-ca-file', this.path('ca.pem'),
      '--tls-cert-file', this.path(`broker-${id}.pem`),
      '--tls-key-file', this.path(`broker-${id}.key`),
      '--listener-client-tls', String(listeners.client ?? true),
      '--listener-inter-broker-tls', String(listeners.interBroker ?? true),
    ];
  }

  /** Channel credentials trusting the CA, presenting `identity`'s certificate (`admin`, `broker-2`, ...) if given. */
  credentials(identity?: string): grpc.ChannelCredentials {
    if (identity === undefined) return grpc.credentials.createSsl(this.read('ca.pem'));
    return grpc.credentials.createSsl(this.read('ca.pem'), this.read(`${identity}.key`), this.read(`${identity}.pem`));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
