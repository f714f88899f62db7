import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { fromServiceError } from '../../src/protocol/errors.js';
import { freePort } from '../helpers/broker-process.js';

describe('fromServiceError', () => {
  it('drops the empty "Resolution note:" grpc-js appends to a connection failure, keeping a real note', async () => {
    const address = `127.0.0.1:${await freePort()}`; // nobody listens there
    const client = new grpc.Client(address, grpc.credentials.createInsecure());
    try {
      const raw = await new Promise<grpc.ServiceError>((resolve) =>
        client.makeUnaryRequest('/sluice.v1.Broker/Metadata', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), { deadline: Date.now() + 5_000 }, (err) => resolve(err!)),
      );
      expect(raw.details).to.match(/Resolution note: ?$/); // what grpc-js says today
      const err = fromServiceError(raw);
      expect(err.code).to.equal('BROKER_NOT_AVAILABLE');
      expect(err.message).to.match(/^BROKER_NOT_AVAILABLE: No connection established\. .*ECONNREFUSED.*\.$/);
      expect(err.message).not.to.include('Resolution note');
    } finally {
      client.close();
    }
    const noted = fromServiceError({ code: grpc.status.UNAVAILABLE, details: 'No addresses resolved. Resolution note: DNS says no' });
    expect(noted.message).to.equal('BROKER_NOT_AVAILABLE: No addresses resolved. Resolution note: DNS says no');
  });
});
