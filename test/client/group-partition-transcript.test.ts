/**
 * Golden transcripts of the group consumer's partition machine: test/client/testdata/group-partition/*.txt
 * (read from the source tree; mocha runs from the repo root). REWRITE=1 regenerates the expected
 * output; review the diff by hand before committing it.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { runPartitionTranscript } from './group-partition-transcript.js';

const dir = path.resolve(process.cwd(), 'test/client/testdata/group-partition');

describe('group partition transcripts', () => {
  const files = fs.readdirSync(dir).filter((file) => file.endsWith('.txt')).sort();
  it('has transcripts', () => expect(files.length).to.be.greaterThan(0));
  for (const file of files) {
    it(file, () => {
      const full = path.join(dir, file);
      const { actual, mismatches } = runPartitionTranscript(fs.readFileSync(full, 'utf8'));
      if (process.env.REWRITE === '1') {
        fs.writeFileSync(full, actual);
        return;
      }
      expect(mismatches, mismatches.join('\n\n')).to.deep.equal([]);
    });
  }
});
