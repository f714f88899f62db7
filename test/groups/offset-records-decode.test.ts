import { expect } from 'chai';
import { decodeEntry, encodeEntry } from '../../src/groups/offset-records.js';
import type { DecodedRecord } from '../../src/protocol/batch.js';

function record(key: string | null, value: string | null): DecodedRecord {
  return { offset: 0, timestamp: 0, key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers: [], ttlMs: undefined };
}

describe('offset records: what no coordinator wrote is skipped, not fatal', () => {
  it('skips keys and values that are not JSON, or not the shape of an entry', () => {
    for (const [key, value] of [['kx', 'not json'], ['["offset","g","t",0]', 'not json'], ['["offset","g","t",0]', 'null'], ['["offset","g","t",0]', '7'], ['{}', '{}'], [null, 'x']] as const) {
      expect(decodeEntry(record(key, value)), `${key} ${value}`).to.equal(undefined);
    }
  });

  it('still reads what a coordinator wrote', () => {
    const written = encodeEntry({ kind: 'offset', group: 'g', topic: 't', partition: 1, value: { offset: 5, metadata: '', commitTimestampMs: 1, attempts: undefined } });
    const entry = decodeEntry(record(written.key!.toString(), written.value!.toString()));
    expect(entry).to.include({ kind: 'offset', group: 'g', topic: 't', partition: 1 });
  });
});
