import { expect } from 'chai';
import { checkPartitionLimits } from '../../src/controller/partition-limits.js';
import { emptyImage, type MetadataImage } from '../../src/controller/metadata-image.js';
import { TOPIC_CONFIG_DEFAULTS } from '../../src/config/topic-config.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { invalidLimit, LIMIT_DEFAULTS, receiveBytesMax } from '../../src/config/limits.js';
import { MAX_MESSAGE_BYTES } from '../../src/protocol/grpc.js';

function imageWith(replicas: number[][]): MetadataImage {
  return { ...emptyImage(), topics: { t: { name: 't', topicId: 1, replicas, config: { ...TOPIC_CONFIG_DEFAULTS }, internal: false } } };
}

function refusal(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return (err as SluiceError).code;
  }
}

describe('partition limits (controller, pure)', () => {
  it('max.partitions counts the partitions of every topic and the new ones', () => {
    const image = imageWith([[1], [2], [1]]);
    expect(refusal(() => checkPartitionLimits(image, [[1], [2]], { maxPartitions: 5, maxPartitionsPerBroker: 100 }))).to.equal(undefined);
    expect(refusal(() => checkPartitionLimits(image, [[1], [2], [1]], { maxPartitions: 5, maxPartitionsPerBroker: 100 }))).to.equal('LIMIT_EXCEEDED');
  });

  it('max.partitions.per.broker counts replicas per broker', () => {
    const image = imageWith([[1, 2], [2, 1]]);
    expect(refusal(() => checkPartitionLimits(image, [[3, 1]], { maxPartitions: 100, maxPartitionsPerBroker: 3 }))).to.equal(undefined);
    expect(refusal(() => checkPartitionLimits(image, [[3, 1], [1, 3]], { maxPartitions: 100, maxPartitionsPerBroker: 3 }))).to.equal('LIMIT_EXCEEDED');
  });
});

describe('broker limit settings (pure)', () => {
  it('defaults are valid; zero, a message.max.bytes beyond a gRPC message, or a budget below it are not', () => {
    expect(invalidLimit(LIMIT_DEFAULTS)).to.equal(undefined);
    expect(invalidLimit({ ...LIMIT_DEFAULTS, groupMaxSize: 0 })).to.match(/groupMaxSize/);
    expect(invalidLimit({ ...LIMIT_DEFAULTS, messageMaxBytes: MAX_MESSAGE_BYTES })).to.match(/message.max.bytes/);
    expect(invalidLimit({ ...LIMIT_DEFAULTS, queuedMaxRequestBytes: LIMIT_DEFAULTS.messageMaxBytes - 1 })).to.match(/queued.max.request.bytes/);
  });

  it('the receive size follows message.max.bytes, with headroom for the request, never above a gRPC message', () => {
    expect(receiveBytesMax(32 * 1024 * 1024)).to.be.within(32 * 1024 * 1024 + 1, 33 * 1024 * 1024);
    expect(receiveBytesMax(1024)).to.be.within(1025, 128 * 1024);
    expect(receiveBytesMax(MAX_MESSAGE_BYTES - 64 * 1024)).to.equal(MAX_MESSAGE_BYTES);
  });
});
