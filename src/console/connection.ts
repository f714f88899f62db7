/**
 * The console's connection to its cluster as one principal: a Sluice client with long-lived admin,
 * group-admin and producer objects (each owns gRPC channels, so they are made once, not per call).
 */
import { createClient, type Admin, type ClientSecurity, type GroupAdmin, type Producer, type Sluice } from '../client/index.js';

export class ConsoleConnection {
  readonly client: Sluice;
  readonly admin: Admin;
  readonly groupAdmin: GroupAdmin;
  private producerOf: Producer | undefined;

  constructor(
    bootstrap: string,
    readonly principal: string,
    security: ClientSecurity,
  ) {
    // A console call must not hang a page: fail after a few seconds instead of the client's 30.
    this.client = createClient({ bootstrap, clientId: 'sluice-console', requestTimeoutMs: 10_000, retry: { retries: 4 }, security });
    this.admin = this.client.admin();
    this.groupAdmin = this.client.groupAdmin();
  }

  /**
   * acks=all, no linger: a console send answers once the record is committed. Not idempotent: a
   * principal allowed to write one topic is not always allowed an InitProducerId, and a producer
   * refused one leaves its send unanswered (see docs/CONSOLE.md); a retried send may store twice.
   */
  get producer(): Producer {
    this.producerOf ??= this.client.producer({ acks: -1, lingerMs: 0, idempotent: false });
    return this.producerOf;
  }

  async close(): Promise<void> {
    await Promise.all([this.admin.close(), this.groupAdmin.close(), this.producerOf?.close()]);
  }
}
