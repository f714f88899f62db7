import { expect } from 'chai';
import { MemberOwners } from '../../src/groups/member-owners.js';
import { SluiceError } from '../../src/protocol/errors.js';

describe('groups/member-owners', () => {
  it('lets only the principal that joined a member act as it, and forgets members that left', () => {
    const owners = new MemberOwners();
    owners.check('g', { memberId: 'm1' }, 'alice');
    owners.claim('g', { memberId: 'm1', instanceId: 'i1' }, 'alice');
    owners.check('g', { memberId: 'm1' }, 'alice');
    expect(() => owners.check('g', { memberId: 'm1' }, 'mallory')).to.throw(SluiceError, /UNKNOWN_MEMBER: group g has no member m1/);
    // A static instance id is not a capability either.
    expect(() => owners.check('g', { memberId: 'm2', instanceId: 'i1' }, 'mallory')).to.throw(SluiceError, /UNKNOWN_MEMBER/);
    owners.check('other', { memberId: 'm1' }, 'mallory');
    owners.retain('g', []);
    owners.check('g', { memberId: 'm1' }, 'mallory');
  });
});
