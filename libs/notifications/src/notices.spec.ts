import { uuidv7 } from '#persistence';
import { noticeEvent } from './notice-hub.js';
import { noticeIdFor } from './notices.js';

describe('noticeIdFor', () => {
  const source = uuidv7(Date.parse('2026-03-04T00:00:01+08:00'));
  const li = '01a24bb3-e7b6-7000-b7b1-4e98c02e77e9';
  const chen = '01a24bb3-e7b6-7000-b7b1-4e98c02e77ea';

  it('names the same copy the same, whatever the case of the ids, and each person’s copy apart', () => {
    expect(noticeIdFor(source, li)).toBe(noticeIdFor(source.toUpperCase(), li.toUpperCase()));
    expect(noticeIdFor(source, li)).not.toBe(noticeIdFor(source, chen));
    expect(noticeIdFor(source, li)).not.toBe(noticeIdFor(uuidv7(), li));
  });

  it('is a UUIDv7 carrying the time of the notice it copies, so copies sort with the others by when raised', () => {
    const id = noticeIdFor(source, li);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id.slice(0, 13)).toBe(source.slice(0, 13));
    const later = uuidv7(Date.parse('2026-03-04T00:00:02+08:00'));
    expect(noticeIdFor(source, li) < noticeIdFor(later, li)).toBe(true);
  });
});

describe('noticeEvent', () => {
  it('is one SSE event: the notice id as its id, one data line of JSON, a blank line after', () => {
    const notice = {
      id: '01a24bb3-e7b6-7000-b7b1-4e98c02e77e9',
      topic: 'assigned',
      caseId: '01a24bb3-e7b6-7000-b7b1-4e98c02e77e0',
      caseReference: 'XC-2026-000001',
      referralId: null,
      detail: 'line one\nline two',
      seq: 3,
      createdAt: '2026-03-02T01:00:00.000Z',
      readAt: null,
      inboxSeq: '7',
    };
    const event = noticeEvent(notice);
    const { inboxSeq: _, ...view } = notice;
    expect(event).toBe(`id: ${notice.id}\nevent: notice\ndata: ${JSON.stringify(view)}\n\n`);
    expect(event.split('\n')).toHaveLength(5);
  });
});
