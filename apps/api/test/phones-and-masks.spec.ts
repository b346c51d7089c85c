import { PHONE_MESSAGE } from '#domain';
import { CaseEngine } from '#engine';
import { PiiCipher } from '#parties';
import { dispute, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * Phones follow one rule whichever way a party comes in (`POST /cases` or `ADD_PARTY`) and are stored in
 * E.164; readers without the right to PII see at most the last 4 characters of a phone or ID number, and
 * never more than half of any value, on new parties and on those stored before phones were normalised.
 */
describe('party phones and masks', () => {
  let api: TestApi;
  let cipher: PiiCipher;
  let mediator: string;
  let auditor: string;
  let justice: string;
  /** A case to add parties to. */
  let target: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    cipher = new PiiCipher(api.config.dataKey);
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    auditor = await api.keyFor('auditor');
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });
    target = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body.id;
  });
  afterAll(() => api.close());

  const register = (phone: string) =>
    api.call('POST', '/cases', {
      key: mediator,
      body: dispute({ parties: [{ role: 'applicant', name: '周一', phone }] }),
    });
  const addParty = (phone: string) =>
    api.call('POST', `/cases/${target}/events`, {
      key: mediator,
      body: { type: 'ADD_PARTY', payload: { role: 'third_party', name: '周二', phone } },
    });
  /** Every party of the case as stored, decrypted (an admin's read). */
  const stored = async (caseId: string) =>
    (await api.call('GET', `/cases/${caseId}`)).body.parties as Array<Record<string, string>>;

  describe('one phone rule for POST /cases and ADD_PARTY', () => {
    // In region CN, (212) 555-0100 reads as 021-2555 0100, a Shanghai landline: valid, and stored as such.
    const accepted: Array<[string, string]> = [
      ['13812345678', '+8613812345678'],
      ['138 1234 5678', '+8613812345678'],
      ['+86 138-1234-5678', '+8613812345678'],
      ['010-6512 3456', '+861065123456'],
      ['(212) 555-0100', '+862125550100'],
      ['010 (6512) 3456', '+861065123456'],
      ['+1 212 555 0100', '+12125550100'],
      ['+44 20 7946 0958', '+442079460958'],
    ];
    // A mobile one digit short, a landline without its area code, too few digits, letters, an extension.
    const refused = [
      '1381234567',
      '6512345',
      '12345',
      '+1 212 555 010',
      '+1 800 FLOWERS',
      '13812345678 ext. 12',
      '+86 138-1234-5678-9',
    ];

    it.each(accepted)('accepts %s on both paths and stores it as %s', async (typed, e164) => {
      const created = await register(typed);
      const added = await addParty(typed);
      expect({ typed, statuses: [created.status, added.status] }).toEqual({ typed, statuses: [201, 200] });
      expect((await stored(created.body.id))[0]!.phone).toBe(e164);
      expect((await stored(target)).at(-1)!.phone).toBe(e164);
    });

    it.each(refused)('refuses %s on both paths with the same answer', async (typed) => {
      const created = await register(typed);
      const added = await addParty(typed);
      expect({ typed, statuses: [created.status, added.status] }).toEqual({ typed, statuses: [422, 422] });
      expect(created.body.errors).toEqual([{ field: 'parties[0].phone', message: PHONE_MESSAGE }]);
      expect(added.body.errors).toEqual([{ field: 'payload.phone', message: PHONE_MESSAGE }]);
    });

    it('digests a new party over the stored E.164 number', async () => {
      const created = await api.call('POST', '/cases', {
        key: mediator,
        body: dispute({
          parties: [{ role: 'applicant', name: '周三', phone: '+86 138-1234-5678', idNumber: '110101199003071234' }],
        }),
      });
      const [register] = (await api.call('GET', `/cases/${created.body.id}/history`, { key: mediator })).body.items;
      expect(register.payload.parties[0].piiDigest).toBe(
        cipher.digest(['周三', '+8613812345678', '110101199003071234']),
      );
    });
  });

  describe('masks for department and auditor keys', () => {
    /** Parties with short and long values; each mask shows at most 4 characters and at most half. */
    const parties = [
      {
        party: { role: 'applicant', name: '张三丰', phone: '13812345678', idNumber: 'E1234567' },
        masked: { name: '张**', phone: '*********5678', idNumber: '****4567' },
      },
      {
        party: { role: 'respondent', name: '张三', phone: '+1 212 555 0100', idNumber: '110101199003071234' },
        masked: { name: '张*', phone: '*******0100', idNumber: '**************1234' },
      },
      {
        party: { role: 'third_party', name: '王', idNumber: '1234567' },
        masked: { name: '*', phone: null, idNumber: '****567' },
      },
    ];
    let caseId: string;
    let legacyId: string;

    const refer = async (id: string) => {
      for (const body of [
        { type: 'ACCEPT' },
        { type: 'CLASSIFY', payload: { category: 'neighbour', riskLevel: 'low' } },
        { type: 'REFER', payload: { departmentCode: 'JUSTICE', instructions: '请司法所调处' } },
      ]) {
        const reply = await api.call('POST', `/cases/${id}/events`, { key: mediator, body });
        expect({ type: body.type, status: reply.status }).toEqual({ type: body.type, status: 200 });
      }
      return (await api.call('GET', `/cases/${id}`, { key: mediator })).body.referrals[0].id as string;
    };
    const expectAtMostHalf = (views: Array<Record<string, unknown>>) => {
      for (const view of views) {
        for (const field of ['phone', 'idNumber'] as const) {
          const value = view[field];
          if (typeof value !== 'string') continue;
          const shown = value.replace(/\*/g, '');
          expect({ field, value, shown: shown.length <= Math.min(4, value.length / 2) }).toEqual({
            field,
            value,
            shown: true,
          });
        }
      }
    };

    beforeAll(async () => {
      caseId = (
        await api.call('POST', '/cases', { key: mediator, body: dispute({ parties: parties.map((p) => p.party) }) })
      ).body.id;
      // A party stored before phones were normalised: a 7-digit landline as typed, which the API now refuses.
      // The engine itself stores what it is given, as it did then.
      const [admin] = await api.db.query<{ id: string; name: string }>(
        "SELECT id, name FROM api_keys WHERE role = 'admin' LIMIT 1",
      );
      const opened = await api.app.get(CaseEngine).open({
        ...(dispute() as never as {
          kind: 'dispute';
          channel: 'walk_in';
          unitCode: string;
          summary: string;
          description: string;
        }),
        parties: [{ role: 'applicant', name: '李四', phone: '6512345', idNumber: 'AB12345' }],
        actor: { id: admin!.id, role: 'admin', name: admin!.name },
        scope: null,
      });
      legacyId = opened.case.id;
    });

    it('a department sees the masks on its referral', async () => {
      const referral = (await api.call('GET', `/referrals/${await refer(caseId)}`, { key: justice })).body;
      expect(
        referral.parties.map((p: Record<string, unknown>) => ({
          name: p.name,
          phone: p.phone,
          idNumber: p.idNumber,
          masked: p.masked,
        })),
      ).toEqual(parties.map((p) => ({ ...p.masked, masked: true })));
      expectAtMostHalf(referral.parties);
    });

    it('an auditor sees the masks on the case', async () => {
      const view = (await api.call('GET', `/cases/${caseId}`, { key: auditor })).body;
      expect(
        view.parties.map((p: Record<string, unknown>) => ({ name: p.name, phone: p.phone, idNumber: p.idNumber })),
      ).toEqual(parties.map((p) => p.masked));
      expectAtMostHalf(view.parties);
    });

    it('a 7-digit landline stored before normalisation shows at most its last 3 digits', async () => {
      const referral = (await api.call('GET', `/referrals/${await refer(legacyId)}`, { key: justice })).body;
      const view = (await api.call('GET', `/cases/${legacyId}`, { key: auditor })).body;
      for (const [party] of [referral.parties, view.parties]) {
        expect(party).toMatchObject({ name: '李*', phone: '****345', idNumber: '****345', masked: true });
      }
    });

    it('the audit agrees with parties stored before and after: unmask, verification, point in time', async () => {
      // The old party keeps its phone as it was typed and the digest recorded then; the new ones are E.164.
      const legacy = await api.call('POST', `/audit/cases/${legacyId}/unmask`, {
        key: auditor,
        body: { reason: '核对旧数据' },
      });
      expect(legacy.body.parties[0]).toMatchObject({
        name: '李四',
        phone: '6512345',
        idNumber: 'AB12345',
        masked: false,
      });
      const [legacyRegister] = (await api.call('GET', `/cases/${legacyId}/history`, { key: auditor })).body.items;
      expect(legacyRegister.payload.parties[0].piiDigest).toBe(cipher.digest(['李四', '6512345', 'AB12345']));

      const fresh = await api.call('POST', `/audit/cases/${caseId}/unmask`, {
        key: auditor,
        body: { reason: '核对新数据' },
      });
      expect(fresh.body.parties.map((p: Record<string, unknown>) => p.phone)).toEqual([
        '+8613812345678',
        '+12125550100',
        null,
      ]);

      for (const id of [legacyId, caseId]) {
        expect((await api.call('GET', `/audit/verify?caseId=${id}`, { key: auditor })).body).toMatchObject({
          valid: true,
        });
        expect((await api.call('GET', `/audit/cases/${id}/state`, { key: auditor })).body).toMatchObject({
          matchesStored: true,
          divergence: null,
        });
      }
    });
  });
});
