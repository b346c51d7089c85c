import type { CaseFacts, MachineEvent, ReferralInput } from '#domain';
import { REFERRAL_V2_DEADLINES } from '../referral/referral-v2.machine.js';
import { REFERRAL_DEADLINES } from '../referral/referral.machine.js';

/**
 * Sample events for walking the case machines with `xstate/graph`: every event type with a valid payload, and
 * several variants wherever a guard branches on the payload or the facts (risk below street level, a unit at the
 * top of the hierarchy, a department outside its responsibility list, resolved vs unresolved replies, …).
 */

export const UNITS = {
  community: { code: 'C-0101', level: 'community', hasParent: true },
  street: { code: 'S-01', level: 'street', hasParent: true },
  district: { code: 'D', level: 'district', hasParent: false },
} as const satisfies Record<string, CaseFacts['unit']>;

export const IDS = {
  referral1: '00000000-0000-4000-8000-000000000001',
  referral2: '00000000-0000-4000-8000-000000000002',
  referral3: '00000000-0000-4000-8000-000000000003',
  otherCase: '00000000-0000-4000-8000-0000000000aa',
  deadline: '00000000-0000-4000-8000-0000000000dd',
} as const;

export const CATEGORY = 'neighbour';

/** People as the engine names them in the facts of assignment events (version 2 on). */
export const PEOPLE = {
  mediator: { id: '00000000-0000-4000-8000-0000000000e1', name: '调解员甲' },
  colleague: { id: '00000000-0000-4000-8000-0000000000e2', name: '调解员乙' },
  leader: { id: '00000000-0000-4000-8000-0000000000e3', name: '王书记' },
  staff: { id: '00000000-0000-4000-8000-0000000000e4', name: '科员丙' },
} as const;

export function ev(type: string, payload: object = {}, facts: Partial<CaseFacts> = {}): MachineEvent {
  return { type, payload, facts: { unit: UNITS.community, ...facts } };
}

export const elapsed = (key: string, unit: CaseFacts['unit'] = UNITS.community) =>
  ev('DEADLINE_ELAPSED', { deadlineId: IDS.deadline }, { unit, deadline: { id: IDS.deadline, key } });

export const warning = (key: string) =>
  ev('DEADLINE_WARNING', { deadlineId: IDS.deadline, percent: 50 }, { deadline: { id: IDS.deadline, key } });

const withReason = (type: string) => ev(type, { reason: `${type.toLowerCase()} because` });

export const common = {
  withdraw: withReason('WITHDRAW'),
  note: ev('ADD_NOTE', { text: 'called the respondent' }),
  attach: ev('ATTACH', { name: 'photo.jpg', mediaType: 'image/jpeg', sha256: 'ab'.repeat(32) }),
  party: ev('ADD_PARTY', { role: 'respondent', name: '张三', phone: '+86 138-0000-0000', vulnerable: ['elderly'] }),
  extend: ev('EXTEND_DEADLINE', { days: 15, reason: 'the parties asked for more time' }),
  unhappy: ev('RECORD_FOLLOW_UP', { satisfaction: 1, comment: 'nothing changed', reached: true }),
  happy: ev('RECORD_FOLLOW_UP', { satisfaction: 5, reached: true }),
  unreached: ev('RECORD_FOLLOW_UP', { satisfaction: 2, reached: false }),
  notified: ev('OWNER_NOTIFIED', {
    topic: 'referral_urged',
    channels: ['case_file'],
    recipient: 'C-0101',
    referralId: IDS.referral1,
  }),
};

/** A department as the engine describes it in facts, with its responsibility list. */
const responsible = (code: string, role: 'lead' | 'assist', categories = [CATEGORY, 'property']) => ({
  code,
  role,
  categories,
});

export const dispute = {
  accept: ev('ACCEPT'),
  decline: withReason('DECLINE'),
  merge: ev('MERGE', { intoCaseId: IDS.otherCase }),
  classifyLow: ev('CLASSIFY', { category: CATEGORY, riskLevel: 'low' }),
  classifyCritical: ev('CLASSIFY', { category: CATEGORY, riskLevel: 'critical', tags: ['mass_incident'] }),
  mediatorAtCommunity: ev('ASSIGN_MEDIATOR', { mediatorId: 'm-7', channel: 'people' }),
  mediatorAtStreet: ev('ASSIGN_MEDIATOR', { mediatorId: 'm-7', channel: 'people' }, { unit: UNITS.street }),
  referOne: ev(
    'REFER',
    { departmentCode: 'JUSTICE', instructions: 'mediate the fence dispute' },
    { departments: [responsible('JUSTICE', 'lead')], referralIds: [IDS.referral1] },
  ),
  referTwo: ev(
    'REFER',
    {
      departments: [
        { code: 'HOUSING', role: 'lead' },
        { code: 'URBAN', role: 'assist' },
      ],
      instructions: 'inspect the wall',
      dueInWorkingDays: 10,
    },
    {
      unit: UNITS.street,
      departments: [responsible('HOUSING', 'lead'), responsible('URBAN', 'assist')],
      referralIds: [IDS.referral1, IDS.referral2],
    },
  ),
  /** The market regulator does not take neighbour disputes: always refused. */
  referOutside: ev(
    'REFER',
    { departmentCode: 'MARKET', instructions: 'check the shop' },
    { unit: UNITS.street, departments: [responsible('MARKET', 'lead', ['consumer'])], referralIds: [IDS.referral3] },
  ),
  escalate: withReason('ESCALATE'),
  escalateAtTop: ev('ESCALATE', { reason: 'no one above' }, { unit: UNITS.district }),
  schedule: ev('SCHEDULE_SESSION', { at: '2026-03-02T09:30:00+08:00', location: 'community hall' }),
  sessionContinuing: ev('RECORD_SESSION', { notes: 'adjourned', outcome: 'continuing' }),
  sessionAgreement: ev('RECORD_SESSION', { notes: 'close to terms', outcome: 'agreement' }),
  sessionFailed: ev('RECORD_SESSION', { notes: 'walked out', outcome: 'failed' }),
  agree: ev('REACH_AGREEMENT', { terms: 'the wall is moved 30 cm' }),
  failed: withReason('MEDIATION_FAILED'),
  close: ev('CLOSE'),
  requestJudicial: ev('REQUEST_JUDICIAL_CONFIRMATION'),
  confirmed: ev('JUDICIAL_CONFIRMED'),
  rejected: withReason('JUDICIAL_REJECTED'),
  replied1Resolved: ev('REFERRAL_REPLIED', { referralId: IDS.referral1, resolved: true }),
  replied1Unresolved: ev('REFERRAL_REPLIED', { referralId: IDS.referral1, resolved: false }),
  replied2Resolved: ev('REFERRAL_REPLIED', { referralId: IDS.referral2, resolved: true }),
  replied2Unresolved: ev('REFERRAL_REPLIED', { referralId: IDS.referral2, resolved: false }),
  referralRejected: ev('REFERRAL_REJECTED', { referralId: IDS.referral1, reason: 'not ours' }),
  jointMeeting: ev('CONVENE_JOINT_MEETING', { departmentCodes: ['HOUSING', 'POLICE'], agenda: 'the wall' }),
  transfer: ev('TRANSFER_OUT', { to: 'litigation', reference: '(2026)京0105民初123号' }),
  reopen: withReason('REOPEN'),
};

export const DISPUTE_KEYS = ['intake', 'triage', 'mediation', 'judicial_confirmation', 'escalation', 'follow_up'];

export const disputeSampleEvents: MachineEvent[] = [
  ...Object.values(common),
  ...Object.values(dispute),
  warning('dispute.mediation'),
  ...DISPUTE_KEYS.map((k) => elapsed(`dispute.${k}`)),
  elapsed('dispute.escalation', UNITS.district),
];

export const petition = {
  accept: ev('ACCEPT'),
  decline: ev('DECLINE', { reason: 'belongs to litigation' }),
  forward: ev('FORWARD', { departmentCode: 'HRSS' }),
  handlerUnit: ev('ASSIGN_HANDLER', { unitCode: 'S-02' }),
  handlerDepartment: ev('ASSIGN_HANDLER', { departmentCode: 'HRSS' }),
  opinion: ev('ISSUE_OPINION', { opinion: 'wages to be paid within 10 days', supported: 'partial' }),
  requestReview: withReason('REQUEST_REVIEW'),
  reviewOpinion: ev('ISSUE_REVIEW_OPINION', { opinion: 'upheld' }),
  requestReReview: withReason('REQUEST_RE_REVIEW'),
  reReviewOpinion: ev('ISSUE_RE_REVIEW_OPINION', { opinion: 'upheld again' }),
};

export const PETITION_KEYS = [
  'intake',
  'handling',
  'review_request',
  'review',
  're_review_request',
  're_review',
  'follow_up',
];

export const petitionSampleEvents: MachineEvent[] = [
  ...Object.values(common),
  ...Object.values(petition),
  warning('petition.handling'),
  ...PETITION_KEYS.map((k) => elapsed(`petition.${k}`)),
  elapsed('petition.handling', UNITS.district),
];

/** What the referral machine starts from in the walks: a lead referral with no limit of its own. */
export const REFERRAL_INPUT: ReferralInput = {
  departmentCode: 'JUSTICE',
  role: 'lead',
  instructions: 'mediate the fence dispute',
  dueInWorkingDays: null,
  shareParties: false,
};

export const referral = {
  acknowledge: ev('ACKNOWLEDGE', { note: '报到' }),
  accept: ev('ACCEPT'),
  reject: ev('REJECT', { reason: 'not on our responsibility list' }),
  progress: ev('PROGRESS', { note: 'site visit done' }),
  replyResolved: ev('REPLY', { resolved: true, result: 'the fence was moved' }),
  replyUnresolved: ev('REPLY', { resolved: false, result: 'the owner refuses' }),
  close: ev('CLOSE'),
  cancel: ev('CANCEL', { reason: 'the case was withdrawn' }),
  ackElapsed: elapsed(REFERRAL_DEADLINES.acknowledge.key),
  replyElapsed: elapsed(REFERRAL_DEADLINES.reply.key),
  replyWarning: warning(REFERRAL_DEADLINES.reply.key),
};

/** Version 2 of the referral machine: the department's staff claim it, hand it on, or hand it back. */
export const referralAssignment = {
  claim: ev('CLAIM', {}, { person: PEOPLE.staff }),
  assignColleague: ev('ASSIGN', { userId: PEOPLE.colleague.id }, { person: PEOPLE.colleague }),
  handBack: ev('UNASSIGN', {}, { person: PEOPLE.staff, dispatcher: true }),
};

export const referralSampleEvents: MachineEvent[] = [
  ...Object.values(referral),
  warning(REFERRAL_DEADLINES.acknowledge.key),
];

/** The assignment events of version 2 (shared/assignment.ts), with the facts the engine gives them. */
export const assignment = {
  claim: ev('CLAIM', {}, { person: PEOPLE.mediator }),
  claimByColleague: ev('CLAIM', {}, { person: PEOPLE.colleague }),
  assignColleague: ev('ASSIGN', { userId: PEOPLE.colleague.id }, { person: PEOPLE.colleague }),
  handBack: ev('UNASSIGN', {}, { person: PEOPLE.mediator, dispatcher: false }),
  takeAway: ev('UNASSIGN', { reason: 'reassigning the street’s cases' }, { person: PEOPLE.leader, dispatcher: true }),
  notMine: ev('UNASSIGN', {}, { person: PEOPLE.colleague, dispatcher: false }),
  takeCharge: ev('TAKE_CHARGE', { note: '包案' }, { person: PEOPLE.leader }),
  recuse: ev('RECUSE', { reason: 'the respondent is my cousin' }, { person: PEOPLE.mediator }),
  release: ev('RELEASE_ASSIGNMENT', { userId: PEOPLE.mediator.id, as: 'assignee', reason: 'out_of_scope' }),
  releaseCharge: ev('RELEASE_ASSIGNMENT', { userId: PEOPLE.leader.id, as: 'in_charge', reason: 'out_of_scope' }),
};

/** One sample of each assignment event: enough to take each of their transitions in a walk of the whole graph. */
const assignmentWalk = [
  assignment.claim,
  assignment.assignColleague,
  assignment.takeAway,
  assignment.takeCharge,
  assignment.recuse,
  assignment.release,
];

/** Version 2's ASSIGN_MEDIATOR names a person (a mediator's user id), whom the engine finds. */
const mediatorV2 = (unit: CaseFacts['unit']) =>
  ev('ASSIGN_MEDIATOR', { mediatorId: PEOPLE.mediator.id, channel: 'people' }, { unit, person: PEOPLE.mediator });

/** What a transferred petition's referral (转送, version 2) starts from. */
export const TRANSFER_INPUT: ReferralInput = { ...REFERRAL_INPUT, transfer: true };

/** Version 2 of the referral machine: version 1's events, its staff's assignment, and the transfer's clocks. */
export const referralV2SampleEvents: MachineEvent[] = [
  ...referralSampleEvents,
  ...Object.values(referralAssignment),
  elapsed(REFERRAL_V2_DEADLINES.transferNotice.key),
  elapsed(REFERRAL_V2_DEADLINES.transferObjection.key),
  warning(REFERRAL_V2_DEADLINES.transferNotice.key),
];

/** Events version 2 of the dispute machine adds to version 1's. */
export const disputeV2 = {
  mediatorAtCommunity: mediatorV2(UNITS.community),
  mediatorAtStreet: mediatorV2(UNITS.street),
  courtAccepted: ev('COURT_ACCEPTED', {
    courtCaseNumber: '(2026)京0105民特123号',
    acceptedAt: '2026-03-02T09:00:00+08:00',
  }),
  courtExtension: ev('EXTEND_DEADLINE', {
    days: 30,
    reason: 'the agreement needs a site inspection',
    approver: { name: '张院长', title: '院长' },
  }),
  conclude: ev('CONCLUDE', { ground: 'no_violation_found', reason: 'the inspection found no violation' }),
  delegated: ev(
    'RECEIVE_DELEGATION',
    {
      courtCode: 'COURT-CY',
      delegationNumber: '(2026)京0105民诉前调1234号',
      receivedAt: '2026-03-02T09:00:00+08:00',
      mediatorId: PEOPLE.mediator.id,
      channel: 'judicial',
    },
    { person: PEOPLE.mediator },
  ),
  consentedExtension: ev('EXTEND_DEADLINE', {
    days: 30,
    reason: 'both parties want time for a valuation',
    consent: {
      applicant: { at: '2026-03-28T10:00:00+08:00', record: 'signed extension form 1' },
      respondent: { at: '2026-03-28T10:05:00+08:00', record: 'signed extension form 2' },
    },
  }),
};

export const DISPUTE_V2_KEYS = [
  'intake',
  'triage',
  'mediation',
  'judicial_application',
  'court_confirmation',
  'court_delegation',
  'reply_review',
  'escalation',
  'follow_up',
];

/** Version 1's dispute events as version 2 takes them: its ASSIGN_MEDIATOR names a person. */
const { mediatorAtCommunity: _v1Community, mediatorAtStreet: _v1Street, ...disputeBoth } = dispute;

export const disputeV2SampleEvents: MachineEvent[] = [
  ...Object.values(common),
  ...Object.values(disputeBoth),
  ...Object.values(disputeV2),
  ...assignmentWalk,
  warning('dispute.mediation'),
  ...DISPUTE_V2_KEYS.map((k) => elapsed(`dispute.${k}`)),
  elapsed('dispute.escalation', UNITS.district),
];

/** The discipline-inspection department an accusation goes to, as the engine names it in the facts. */
const discipline = { departments: [responsible('JJJC', 'lead')], referralIds: [IDS.referral1] };

/** Events version 2 of the petition machine adds or changes. */
export const petitionV2 = {
  acceptClaim: ev('ACCEPT', { petitionType: 'claim' }),
  acceptSuggestion: ev('ACCEPT', { petitionType: 'suggestion' }),
  acceptAccusation: ev('ACCEPT', { petitionType: 'accusation' }, discipline),
  direct: ev('DIRECT', { channel: 'litigation', body: '西城区人民法院', reason: 'a contract dispute for the court' }),
  decline: withReason('DECLINE'),
  declineRepeat: ev(
    'DECLINE',
    { reason: 'repeats a petition already re-reviewed', ground: 'already_re_reviewed', relatedCaseId: IDS.otherCase },
    { relatedCase: { id: IDS.otherCase, reReviewed: true } },
  ),
  declineRepeatNotReReviewed: ev(
    'DECLINE',
    { reason: 'repeats a petition', ground: 'already_re_reviewed', relatedCaseId: IDS.otherCase },
    { relatedCase: { id: IDS.otherCase, reReviewed: false } },
  ),
  forward: ev(
    'FORWARD',
    { departmentCode: 'HRSS' },
    { departments: [responsible('HRSS', 'lead')], referralIds: [IDS.referral2] },
  ),
  forwardAnswered: ev('REFERRAL_REPLIED', { referralId: IDS.referral2, resolved: true }),
  forwardObjected: ev('REFERRAL_REJECTED', { referralId: IDS.referral2, reason: 'not our remit' }),
  merge: ev('MERGE', { intoCaseId: IDS.otherCase }),
  handlerUnit: petition.handlerUnit,
  handlerDepartment: petition.handlerDepartment,
  extend: ev('EXTEND_DEADLINE', {
    days: 30,
    reason: 'the wage records must be audited',
    approver: { name: '王主任', title: '信访局局长' },
  }),
  answer: ev('ANSWER_SUGGESTION', { answer: 'the bus route will be studied in the 2027 plan' }),
  opinion: petition.opinion,
  deliver: ev('DELIVER_OPINION', { deliveredAt: '2026-03-10T10:00:00+08:00', method: 'post', proof: 'EMS 1234' }),
  requestReview: withReason('REQUEST_REVIEW'),
  requestReviewAtTop: ev('REQUEST_REVIEW', { reason: 'unfair' }, { unit: UNITS.district }),
  requestReviewOutside: ev('REQUEST_REVIEW', {
    reason: 'unfair',
    outsideBody: { name: '北京市人民政府信访办公室', reference: '京访复〔2026〕1号' },
  }),
  reviewOpinion: petition.reviewOpinion,
  requestReReview: withReason('REQUEST_RE_REVIEW'),
  requestReReviewAtTop: ev('REQUEST_RE_REVIEW', { reason: 'unfair' }, { unit: UNITS.district }),
  startHearing: ev('START_HEARING', { reason: 'the facts are disputed' }),
  endHearing: ev('END_HEARING'),
  reReviewOpinion: petition.reReviewOpinion,
  representative: ev('ADD_PARTY', { role: 'applicant', name: '李四', representative: true }),
  petitionerNotified: ev('PETITIONER_NOTIFIED', {
    topic: 'handling_extended',
    channels: ['case_file'],
    detail: 'the wage records must be audited',
  }),
};

export const PETITION_V2_KEYS = [
  'intake',
  'forwarded',
  'handling',
  'suggestion',
  'delivery',
  'review_request',
  'review',
  're_review_request',
  're_review',
  'follow_up',
];

const { extend: _extendWithoutApprover, ...commonV2 } = common;

export const petitionV2SampleEvents: MachineEvent[] = [
  ...Object.values(commonV2),
  ...Object.values(petitionV2),
  ...assignmentWalk,
  warning('petition.handling'),
  ...PETITION_V2_KEYS.map((k) => elapsed(`petition.${k}`)),
  elapsed('petition.handling', UNITS.district),
];
