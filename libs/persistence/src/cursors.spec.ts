import { DomainError } from '#domain';
import { Cursors, cursorShape } from './cursors.js';

describe('Cursors', () => {
  const cursors = new Cursors('concord-test-data-key-0123456789');
  const pair = cursorShape.tuple(cursorShape.text, cursorShape.uuid);
  const id = '0190a1b2-0000-7000-8000-000000000000';

  it('gives back the value it encoded, for the list it encoded it for', () => {
    const cursor = cursors.encode('deadlines', ['2026-03-02T01:00:00.000Z', id]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(cursors.decode('deadlines', cursor, pair)).toEqual(['2026-03-02T01:00:00.000Z', id]);
    expect(cursors.decode('case-history', cursors.encode('case-history', 42), cursorShape.int)).toBe(42);
  });

  it('reads no cursor as the first page', () => {
    expect(cursors.decode('cases', undefined, cursorShape.uuid)).toBeNull();
    expect(cursors.decode('cases', '', cursorShape.uuid)).toBeNull();
  });

  it('refuses another list’s cursor, another key’s, an altered one and one of another shape, with a 400', () => {
    const cursor = cursors.encode('cases', id);
    const refusals = [
      () => cursors.decode('referrals', cursor, cursorShape.uuid),
      () => new Cursors('another-deployment-data-key-0123').decode('cases', cursor, cursorShape.uuid),
      () =>
        cursors.decode(
          'cases',
          `${cursors.encode('cases', 'x').split('.')[0]}.${cursor.split('.')[1]}`,
          cursorShape.uuid,
        ),
      () => cursors.decode('cases', cursor.slice(0, -1), cursorShape.uuid),
      () => cursors.decode('cases', cursors.encode('cases', 7), cursorShape.uuid),
      () => cursors.decode('cases', Buffer.from(id).toString('base64url'), cursorShape.uuid),
      () => cursors.decode('cases', 'bm9wZQ.' + 'A'.repeat(43), cursorShape.uuid),
    ];
    for (const refuse of refusals) {
      expect(refuse).toThrow(DomainError);
      expect(refuse).toThrow('The cursor is not one this API gave out.');
    }
  });

  it('refuses every other spelling of the tag', () => {
    const cursor = cursors.encode('cases', id);
    const last = cursor.at(-1)!;
    // The last character of a 32-byte tag carries 4 bits; its neighbours spell the same bytes.
    for (const other of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.replace(last, '')) {
      expect(() => cursors.decode('cases', cursor.slice(0, -1) + other, cursorShape.uuid)).toThrow(DomainError);
    }
  });

  it('names lists plainly, so a typo is a programming error rather than a refusal', () => {
    expect(() => cursors.encode('Cases!', id)).toThrow(/list name/);
  });
});
