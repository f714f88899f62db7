import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { clip, ERROR_MESSAGE_LENGTH_MAX, SluiceError } from '../../src/protocol/errors.js';
import {
  COMMIT_METADATA_BYTES_MAX,
  CONFIG_ENTRIES_MAX,
  ID_LENGTH_MAX,
  optionalId,
  requireCommitMetadata,
  requireConfigEntries,
  requireCount,
  requireId,
} from '../../src/protocol/input-limits.js';
import { compress, decompressAsync, DECOMPRESSED_BYTES_MAX } from '../../src/protocol/compression.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(SluiceError);
    return (err as SluiceError).code;
  }
}

describe('input limits (pure)', () => {
  it('ids: required, at most 255 characters', () => {
    expect(requireId('g'.repeat(ID_LENGTH_MAX), 'group_id')).to.have.length(ID_LENGTH_MAX);
    expect(codeOf(() => requireId('g'.repeat(ID_LENGTH_MAX + 1), 'group_id'))).to.equal('FIELD_TOO_LONG');
    expect(codeOf(() => requireId('', 'group_id'))).to.equal('INVALID_REQUEST');
    expect(optionalId('', 'client_id')).to.equal('');
    expect(codeOf(() => optionalId('c'.repeat(300), 'client_id'))).to.equal('FIELD_TOO_LONG');
  });

  it('commit metadata: 4 KiB of UTF-8, counted in bytes', () => {
    expect(requireCommitMetadata('m'.repeat(COMMIT_METADATA_BYTES_MAX))).to.have.length(COMMIT_METADATA_BYTES_MAX);
    expect(codeOf(() => requireCommitMetadata('é'.repeat(COMMIT_METADATA_BYTES_MAX / 2 + 1)))).to.equal('FIELD_TOO_LONG');
  });

  it('configs: bounded keys, values and entries', () => {
    expect(codeOf(() => requireConfigEntries({ 'retention.ms': '1' }, ['max.message.bytes']))).to.equal(undefined);
    expect(codeOf(() => requireConfigEntries({ ['k'.repeat(256)]: '1' }))).to.equal('FIELD_TOO_LONG');
    expect(codeOf(() => requireConfigEntries({ k: 'v'.repeat(4097) }))).to.equal('FIELD_TOO_LONG');
    const many = Object.fromEntries(Array.from({ length: CONFIG_ENTRIES_MAX + 1 }, (_, i) => [`k${i}`, 'v']));
    expect(codeOf(() => requireConfigEntries(many))).to.equal('LIMIT_EXCEEDED');
  });

  it('lists: bounded in entries', () => {
    expect(codeOf(() => requireCount([1, 2, 3], 'topics', 2))).to.equal('LIMIT_EXCEEDED');
    expect(requireCount([1, 2], 'topics', 2)).to.deep.equal([1, 2]);
  });

  it('error messages quote input clipped, and never exceed their bound on the wire', () => {
    const name = 'n'.repeat(100_000);
    expect(clip(name)).to.match(/^n{80}\.\.\.\(100000 chars\)$/);
    expect(clip('short')).to.equal('short');
    const error = new SluiceError('UNKNOWN_TOPIC', `topic ${name} does not exist`);
    expect(String(error.toServiceError().details).length).to.be.at.most(ERROR_MESSAGE_LENGTH_MAX + 30);
    expect(String(error.toResponseError().message).length).to.be.at.most(ERROR_MESSAGE_LENGTH_MAX + 30);
  });

  it('decompressAsync: same results and bounds as decompress, off the event loop', async () => {
    const data = Buffer.from('hello '.repeat(1000));
    for (const codec of ['none', 'gzip', 'lz4'] as const) expect((await decompressAsync(codec, compress(codec, data))).equals(data)).to.equal(true);
    const bomb = gzipSync(Buffer.alloc(DECOMPRESSED_BYTES_MAX + 1));
    const refused = await decompressAsync('gzip', bomb).then(() => undefined, (err: unknown) => err);
    expect(refused).to.be.instanceOf(RangeError);
    const claim = Buffer.alloc(16);
    claim.writeUInt32LE(2 ** 32 - 1, 0);
    const lz4 = await decompressAsync('lz4', claim).then(() => undefined, (err: unknown) => err);
    expect(String(lz4)).to.match(/claims/);
  });
});
