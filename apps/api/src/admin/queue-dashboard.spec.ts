import { dashboardKey } from './queue-dashboard.js';

describe('the key a dashboard request brings', () => {
  it('is the bearer token, or the password of HTTP Basic', () => {
    expect(dashboardKey('Bearer ck_admin_1')).toBe('ck_admin_1');
    expect(dashboardKey(`Basic ${Buffer.from('admin:ck_admin_1').toString('base64')}`)).toBe('ck_admin_1');
    expect(dashboardKey(`Basic ${Buffer.from(':ck:with:colons').toString('base64')}`)).toBe('ck:with:colons');
  });

  it('is none without a header, without a password, or in another scheme', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      `Basic ${Buffer.from('admin:').toString('base64')}`,
      'Digest x',
      'Basic !!',
    ])
      expect(dashboardKey(header)).toBeNull();
  });
});
