import { expect } from 'chai';
import { defaultMaxConnections, descriptorLimit, parseDescriptorLimit } from '../../src/config/descriptor-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63432                63432                processes
Max open files            256                  4096                 files
Max locked memory         8388608              8388608              bytes
`;

describe('config: descriptor limit and the default max.connections', () => {
  it('reads the soft limit on open files from /proc/self/limits text', () => {
    expect(parseDescriptorLimit(LIMITS)).to.equal(256);
    expect(parseDescriptorLimit(LIMITS.replace('256  ', 'unlimited'))).to.equal(undefined);
    expect(parseDescriptorLimit('nothing here')).to.equal(undefined);
  });

  it('leaves half the descriptors, and a reserve, to LevelDB and the process', () => {
    expect(defaultMaxConnections(256)).to.equal(64);
    expect(defaultMaxConnections(65_536)).to.equal(32_704);
    expect(defaultMaxConnections(100)).to.equal(16);
    expect(defaultMaxConnections(descriptorLimit())).to.be.at.least(16);
  });
});
