import { expect } from 'chai';
import { createClient, resolveGroupConsumerOptions } from '../../src/client/index.js';

describe('group consumer options', () => {
  it('starts a partition without commits at the earliest offset unless told otherwise', () => {
    expect(resolveGroupConsumerOptions({ groupId: 'g' }).autoOffsetReset).to.equal('earliest');
    expect(resolveGroupConsumerOptions({ groupId: 'g', autoOffsetReset: 'latest' }).autoOffsetReset).to.equal('latest');
  });

  it('refuses a bad reset policy', () => {
    expect(() => resolveGroupConsumerOptions({ groupId: 'g', autoOffsetReset: 'middle' as 'latest' })).to.throw(RangeError, /earliest or latest/);
  });
});

describe('group consumer misuse', () => {
  it('rejects run() before subscribe() instead of throwing', async () => {
    const worker = createClient({ bootstrap: '127.0.0.1:1' }).groupConsumer({ groupId: 'g' });
    let promise: Promise<void> | undefined;
    expect(() => (promise = worker.run({ eachMessage: async () => undefined }))).not.to.throw();
    const err = await promise!.then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error).with.property('message').that.matches(/subscribe\(\) before run\(\)/);
    await worker.close();
  });
});
