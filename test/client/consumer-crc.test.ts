/** The consumer's check of fetched batches (checkCrcs, Kafka's check.crcs). */
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { fetchedBatchError } from '../../src/client/consumer/consumer.js';
import { createClient, resolveConsumerOptions, SluiceError, type ConsumedRecord } from '../../src/client/index.js';
import { encodeBatch, stampBatch } from '../../src/protocol/batch.js';
import type { FetchRequest__Output } from '../../src/protocol/generated/sluice/v1/FetchRequest.js';
import type { FetchResponse } from '../../src/protocol/generated/sluice/v1/FetchResponse.js';
import type { MetadataResponse } from '../../src/protocol/generated/sluice/v1/MetadataResponse.js';
import { brokerApi } from '../../src/protocol/grpc.js';

function fetchedBatches(): { records: Buffer; sizes: number[] } {
  const first = encodeBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }]);
  const second = encodeBatch([{ value: Buffer.from('c') }]);
  stampBatch(second, 2, 1);
  return { records: Buffer.concat([first, second]), sizes: [first.length, second.length] };
}

describe('consumer: fetched batch verification', () => {
  it('passes intact batches', () => {
    const { records, sizes } = fetchedBatches();
    expect(fetchedBatchError('t', 0, records, 0, sizes[0]!)).to.equal(undefined);
    expect(fetchedBatchError('t', 0, records, sizes[0]!, records.length)).to.equal(undefined);
  });

  it('refuses a batch whose bytes do not hash to its CRC, naming topic, partition and offset', () => {
    const { records, sizes } = fetchedBatches();
    records[records.length - 2]! ^= 0x01;
    const err = fetchedBatchError('orders', 3, records, sizes[0]!, records.length);
    expect(err?.code).to.equal('CORRUPT_BATCH');
    expect(err?.message).to.match(/orders\/3: the fetched batch at offset 2 is corrupt \(CRC32C mismatch/);
    expect(fetchedBatchError('orders', 3, records, 0, sizes[0]!)).to.equal(undefined);
  });

  it('refuses a damaged length field or magic byte', () => {
    const { records, sizes } = fetchedBatches();
    records[16] = 1;
    expect(fetchedBatchError('t', 0, records, 0, sizes[0]!)?.message).to.match(/magic 1/);
    records.writeInt32BE(records.readInt32BE(8) + 1, 8);
    expect(fetchedBatchError('t', 0, records, 0, sizes[0]!)?.message).to.match(/length field/);
  });

  it('checks by default; checkCrcs: false turns it off', () => {
    expect(resolveConsumerOptions().checkCrcs).to.equal(true);
    expect(resolveConsumerOptions({ checkCrcs: false }).checkCrcs).to.equal(false);
  });
});

/**
 * A raw broker that serves partition t/0 as three batches (offsets 0-1, 2, 3), the middle one
 * damaged after its CRC was computed, as bit rot on the way would leave it.
 */
async function rawBroker(): Promise<{ address: string; close(): Promise<void> }> {
  const batches = [0, 2, 3].map((baseOffset) => {
    const batch = encodeBatch(baseOffset === 0 ? [{ value: Buffer.from('a') }, { value: Buffer.from('b') }] : [{ value: Buffer.from(`v${baseOffset}`) }]);
    stampBatch(batch, baseOffset, 1);
    return batch;
  });
  batches[1]![batches[1]!.length - 2]! ^= 0x60; // the value 'v2' becomes 'vR' (the last byte is its header count): same framing, wrong CRC
  const server = new grpc.Server();
  let port = 0;
  const service = brokerApi().Broker.service;
  server.addService(
    { Metadata: service.Metadata, FetchStream: service.FetchStream },
    {
      Metadata: (_call: grpc.ServerUnaryCall<unknown, MetadataResponse>, callback: grpc.sendUnaryData<MetadataResponse>) =>
        callback(null, {
          brokers: [{ id: 1, host: '127.0.0.1', port, alive: true, epoch: 1 }],
          controller: 1,
          topics: [{ name: 't', partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], leaderEpoch: 1 }] }],
        }),
      FetchStream: (call: grpc.ServerDuplexStream<FetchRequest__Output, FetchResponse>) => {
        call.on('data', (request: FetchRequest__Output) => {
          const offset = Number(request.offset);
          const from = batches.findIndex((batch) => batch.readBigInt64BE(0) + BigInt(batch.readInt32BE(23)) >= BigInt(offset));
          const records = from < 0 ? Buffer.alloc(0) : Buffer.concat(batches.slice(from));
          call.write({ records, highWatermark: 4, logStartOffset: 0, logEndOffset: 4, nextOffset: 4, correlationId: request.correlationId });
        });
        call.on('end', () => call.end());
      },
    },
  );
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return { address: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

describe('consumer against a broker serving a damaged batch', () => {
  async function consume(checkCrcs: boolean): Promise<{ records: ConsumedRecord[]; error: unknown }> {
    const broker = await rawBroker();
    const consumer = createClient({ bootstrap: broker.address }).consumer({ checkCrcs, maxWaitMs: 10 });
    const records: ConsumedRecord[] = [];
    let error: unknown;
    try {
      consumer.assign([{ topic: 't', partition: 0 }]);
      consumer.seek({ topic: 't', partition: 0 }, 0);
      for (let polls = 0; polls < 20 && records.length < 4 && error === undefined; polls++) {
        try {
          records.push(...(await consumer.poll({ timeoutMs: 200 })));
        } catch (err) {
          error = err;
        }
      }
      // After the error: what is left is what came before the damaged batch, never the batch.
      if (error !== undefined) records.push(...(await consumer.poll({ timeoutMs: 200 }).catch(() => [])));
    } finally {
      await consumer.close();
      await broker.close();
    }
    return { records, error };
  }

  it('with checkCrcs (the default) fails with CORRUPT_BATCH naming the offset and never delivers the batch', async () => {
    const { records, error } = await consume(true);
    expect(error).to.be.instanceOf(SluiceError);
    expect((error as SluiceError).code).to.equal('CORRUPT_BATCH');
    expect((error as SluiceError).message).to.match(/t\/0: the fetched batch at offset 2 is corrupt/);
    expect(records.map((r) => r.offset)).to.deep.equal([0, 1]);
  });

  it('with checkCrcs: false delivers what it was sent', async () => {
    const { records, error } = await consume(false);
    expect(error).to.equal(undefined);
    expect(records.map((r) => r.value?.toString())).to.deep.equal(['a', 'b', 'vR', 'v3']);
  });
});
