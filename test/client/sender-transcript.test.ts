/**
 * Golden transcripts of the producer's per-partition sender: test/client/testdata/sender/*.txt
 * (read from the source tree; mocha runs from the repo root). REWRITE=1 regenerates the expected
 * output: review the diff by hand before committing it.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { runSenderTranscript } from './sender-transcript.js';

const dir = path.resolve(process.cwd(), 'test/client/testdata/sender');

describe('producer sender transcripts', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  it('has transcripts', () => expect(files.length).to.be.greaterThan(0));
  for (const f of files) {
    it(f, () => {
      const file = path.join(dir, f);
      const { actual, mismatches } = runSenderTranscript(fs.readFileSync(file, 'utf8'));
      if (process.env.REWRITE === '1') {
        fs.writeFileSync(file, actual);
        return;
      }
      expect(mismatches, mismatches.join('\n\n')).to.deep.equal([]);
    });
  }
});
