import { queuePrefixFor } from './queue-prefix.js';

describe('queuePrefixFor', () => {
  it('gives each folder its own prefix, the same every time, whatever the spelling of its path', () => {
    const one = queuePrefixFor('/home/li/concord/.concord');
    expect(one).toMatch(/^concord-[0-9a-f]{8}$/);
    expect(queuePrefixFor('/home/li/concord/.concord')).toBe(one);
    expect(queuePrefixFor('/home/li/concord/./apps/../.concord')).toBe(one);
    expect(queuePrefixFor('/home/li/concord-2/.concord')).not.toBe(one);
    expect(queuePrefixFor('/home/wang/concord/.concord')).not.toBe(one);
  });
});
