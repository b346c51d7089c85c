import type { Lang } from './i18n';

/**
 * Names of the domain's codes as people read them, in both languages: kinds, stages, states, channels, risk
 * levels, roles, outcomes and events. A code with no name here is shown as the code itself.
 */
type Names = Record<string, [zh: string, en: string]>;

export const KINDS: Names = { dispute: ['矛盾纠纷', 'Dispute'], petition: ['信访', 'Petition'] };

export const STAGES: Names = {
  intake: ['登记', 'Intake'],
  triage: ['研判', 'Triage'],
  mediation: ['办理', 'Handling'],
  escalation: ['上报', 'Escalation'],
  archive: ['归档', 'Archive'],
};

export const CHANNELS: Names = {
  walk_in: ['来访', 'Walk-in'],
  letter: ['来信', 'Letter'],
  hotline: ['热线', 'Hotline'],
  online: ['网上', 'Online'],
  grid_report: ['网格上报', 'Grid report'],
  court_delegation: ['法院委派', 'Court delegation'],
};

export const RISKS: Names = {
  low: ['低', 'Low'],
  medium: ['中', 'Medium'],
  high: ['高', 'High'],
  critical: ['重大', 'Critical'],
};

export const ROLES: Names = {
  admin: ['管理员', 'Administrator'],
  intake: ['登记员', 'Intake clerk'],
  mediator: ['调解员', 'Mediator'],
  grid_worker: ['网格员', 'Grid worker'],
  department: ['职能部门', 'Department'],
  leader: ['领导', 'Leader'],
  auditor: ['审计员', 'Auditor'],
};

export const OUTCOMES: Names = {
  declined: ['不予受理', 'Declined'],
  merged: ['已合并', 'Merged'],
  forwarded: ['已转送', 'Forwarded'],
  withdrawn: ['已撤回', 'Withdrawn'],
  transferred: ['已移交', 'Transferred'],
  directed: ['已引导', 'Directed'],
  mediated: ['调解成功', 'Mediated'],
  resolved: ['已化解', 'Resolved'],
  unresolved: ['未化解', 'Unresolved'],
  handled: ['已办结', 'Handled'],
};

/** The last segment of a state path (`mediation.assigned` → `assigned`) by name; stages name the first. */
export const STATES: Names = {
  registered: ['已登记', 'Registered'],
  assessing: ['研判中', 'Assessing'],
  assigned: ['已指派', 'Assigned'],
  in_session: ['调解中', 'In session'],
  delegated: ['委派调解', 'Delegated'],
  agreement: ['已达成协议', 'Agreement'],
  judicial_confirmation: ['司法确认', 'Judicial confirmation'],
  applied: ['已申请', 'Applied'],
  in_court: ['法院审查中', 'In court'],
  referred: ['已交办', 'Referred'],
  reply_review: ['答复审核', 'Reply review'],
  closed: ['已归档', 'Closed'],
  follow_up: ['回访', 'Follow-up'],
  escalated: ['已上报', 'Escalated'],
  accepted: ['已受理', 'Accepted'],
  handling: ['办理中', 'Handling'],
  opinion_issued: ['已出具意见', 'Opinion issued'],
  review: ['复查', 'Review'],
  re_review: ['复核', 'Re-review'],
  hearing: ['听证', 'Hearing'],
  pending: ['待签收', 'Pending'],
  acknowledged: ['已签收', 'Acknowledged'],
  in_progress: ['办理中', 'In progress'],
  replied: ['已答复', 'Replied'],
  rejected: ['已退回', 'Rejected'],
  cancelled: ['已撤销', 'Cancelled'],
  joint_meeting: ['联席会议', 'Joint meeting'],
  forwarded: ['已转送', 'Forwarded'],
  assigning: ['待交办', 'Assigning'],
  studying: ['研究答复', 'Studying'],
  awaiting_delivery: ['意见待送达', 'Opinion awaiting delivery'],
  awaiting_review_request: ['待申请复查', 'Awaiting review request'],
  awaiting_review_delivery: ['复查意见待送达', 'Review awaiting delivery'],
  awaiting_re_review_request: ['待申请复核', 'Awaiting re-review request'],
  deciding: ['复核审查', 'Deciding'],
  issued: ['已下发', 'Issued'],
  transfer: ['转送', 'Transfer'],
  objectable: ['异议期内', 'Open to objection'],
  within_remit: ['职责范围内', 'Within remit'],
};

export function nameOf(names: Names, code: string | null | undefined, lang: Lang): string {
  if (code == null) return '—';
  const name = names[code];
  return name ? name[lang === 'zh' ? 0 : 1] : code;
}

/** A state path by name: `mediation.assigned` → `办理 · 已指派`. */
export function stateName(path: string, lang: Lang): string {
  const parts = path.split('.');
  const last = parts[parts.length - 1]!;
  const stage = parts.length > 1 ? STAGES[parts[0]!] : undefined;
  const own = nameOf(STATES, last, lang);
  return stage ? `${stage[lang === 'zh' ? 0 : 1]} · ${own}` : own;
}

/**
 * Case categories: the codes the departments' responsibility lists (权责清单) use. The API takes any code (a
 * deployment may add its own); these are the ones the intake form offers, and a code not here shows as itself.
 */
export const CATEGORIES: Names = {
  neighbour: ['邻里纠纷', 'Neighbours'],
  family: ['婚姻家庭', 'Family'],
  labour: ['劳动争议', 'Labour'],
  property_management: ['物业管理', 'Property management'],
  land: ['土地', 'Land'],
  consumer: ['消费维权', 'Consumer'],
  public_order: ['治安', 'Public order'],
};

/** Every event type of every machine version (and the engine's REGISTER and MIGRATE_MACHINE), by name. */
export const EVENTS: Names = {
  REGISTER: ['登记', 'Register'],
  ACCEPT: ['受理', 'Accept'],
  DECLINE: ['不予受理', 'Decline'],
  MERGE: ['合并', 'Merge'],
  WITHDRAW: ['撤回', 'Withdraw'],
  ADD_NOTE: ['添加备注', 'Add a note'],
  ATTACH: ['添加附件', 'Attach a document'],
  ADD_PARTY: ['添加当事人', 'Add a party'],
  CLASSIFY: ['分类研判', 'Classify'],
  CLAIM: ['认领', 'Claim'],
  ASSIGN: ['指派', 'Assign'],
  UNASSIGN: ['退回待认领', 'Unassign'],
  TAKE_CHARGE: ['领导包案', 'Take charge'],
  RECUSE: ['申请回避', 'Recuse'],
  RELEASE_ASSIGNMENT: ['解除指派', 'Release assignment'],
  ASSIGN_MEDIATOR: ['指派调解员', 'Assign a mediator'],
  ASSIGN_HANDLER: ['确定承办单位', 'Assign the handler'],
  RECEIVE_DELEGATION: ['接收法院委派', 'Receive a court delegation'],
  REFER: ['交办', 'Refer'],
  FORWARD: ['转送', 'Forward'],
  DIRECT: ['引导至法定途径', 'Direct to a statutory channel'],
  ESCALATE: ['上报', 'Escalate'],
  SCHEDULE_SESSION: ['安排调解', 'Schedule a session'],
  RECORD_SESSION: ['记录调解', 'Record a session'],
  REACH_AGREEMENT: ['达成协议', 'Reach agreement'],
  MEDIATION_FAILED: ['调解不成', 'Mediation failed'],
  REQUEST_JUDICIAL_CONFIRMATION: ['申请司法确认', 'Request judicial confirmation'],
  COURT_ACCEPTED: ['法院受理', 'Court accepted'],
  JUDICIAL_CONFIRMED: ['司法确认通过', 'Judicially confirmed'],
  JUDICIAL_REJECTED: ['司法确认驳回', 'Judicially rejected'],
  CONVENE_JOINT_MEETING: ['召开联席会议', 'Convene a joint meeting'],
  TRANSFER_OUT: ['移交', 'Transfer out'],
  CLOSE: ['办结', 'Close'],
  CONCLUDE: ['审核办结', 'Conclude'],
  RECORD_FOLLOW_UP: ['回访', 'Record the follow-up'],
  REOPEN: ['重新办理', 'Reopen'],
  EXTEND_DEADLINE: ['延长期限', 'Extend the deadline'],
  ISSUE_OPINION: ['出具处理意见', 'Issue the opinion'],
  DELIVER_OPINION: ['送达意见', 'Deliver the opinion'],
  REQUEST_REVIEW: ['申请复查', 'Request a review'],
  ISSUE_REVIEW_OPINION: ['出具复查意见', 'Issue the review opinion'],
  REQUEST_RE_REVIEW: ['申请复核', 'Request a re-review'],
  ISSUE_RE_REVIEW_OPINION: ['出具复核意见', 'Issue the re-review opinion'],
  ANSWER_SUGGESTION: ['答复建议', 'Answer the suggestion'],
  START_HEARING: ['开始听证', 'Start a hearing'],
  END_HEARING: ['结束听证', 'End the hearing'],
  REFERRAL_REPLIED: ['部门已答复', 'Referral replied'],
  REFERRAL_REJECTED: ['部门已退回', 'Referral rejected'],
  DEADLINE_WARNING: ['期限预警', 'Deadline warning'],
  DEADLINE_ELAPSED: ['期限届满', 'Deadline elapsed'],
  OWNER_NOTIFIED: ['已通知承办人', 'Owner notified'],
  PETITIONER_NOTIFIED: ['已告知信访人', 'Petitioner notified'],
  MIGRATE_MACHINE: ['升级流程版本', 'Migrate the machine'],
  ACKNOWLEDGE: ['签收', 'Acknowledge'],
  REJECT: ['退回', 'Reject'],
  PROGRESS: ['进展报告', 'Progress report'],
  REPLY: ['答复', 'Reply'],
  CANCEL: ['撤销', 'Cancel'],
};

/** The clocks by key (a clock with no name here shows its key). */
export const CLOCKS: Names = {
  'dispute.intake': ['受理时限', 'Intake'],
  'dispute.triage': ['研判时限', 'Triage'],
  'dispute.mediation': ['调解时限', 'Mediation'],
  'dispute.escalation': ['上报处理时限', 'Escalation'],
  'dispute.follow_up': ['回访时限', 'Follow-up'],
  'dispute.judicial_application': ['申请司法确认时限', 'Judicial application'],
  'dispute.judicial_confirmation': ['司法确认时限', 'Judicial confirmation'],
  'dispute.court_confirmation': ['法院审查时限', 'Court confirmation'],
  'dispute.court_delegation': ['委派调解时限', 'Court delegation'],
  'dispute.reply_review': ['答复审核时限', 'Reply review'],
  'petition.intake': ['登记受理时限', 'Intake'],
  'petition.handling': ['办理时限', 'Handling'],
  'petition.delivery': ['送达时限', 'Delivery'],
  'petition.follow_up': ['回访时限', 'Follow-up'],
  'petition.forwarded': ['转送时限', 'Forwarded'],
  'petition.suggestion': ['建议答复时限', 'Suggestion'],
  'petition.review_request': ['申请复查期限', 'Review request'],
  'petition.review': ['复查时限', 'Review'],
  'petition.re_review_request': ['申请复核期限', 'Re-review request'],
  'petition.re_review': ['复核时限', 'Re-review'],
  'referral.acknowledge': ['签收时限', 'Acknowledgement'],
  'referral.reply': ['答复时限', 'Reply'],
  'referral.reply_ceiling': ['答复最长时限', 'Reply ceiling'],
  'referral.transfer_notice': ['移交告知时限', 'Transfer notice'],
  'referral.transfer_objection': ['移交异议期', 'Transfer objection'],
};

export const CLOCK_STATUSES: Names = {
  pending: ['计时中', 'Running'],
  paused: ['已暂停', 'Paused'],
  breached: ['已超期', 'Breached'],
  met: ['按时完成', 'Met'],
  lapsed: ['逾期完成', 'Lapsed'],
  cancelled: ['已取消', 'Cancelled'],
  superseded: ['已更替', 'Superseded'],
  sent: ['已发送', 'Sent'],
};

export const PARTY_ROLES: Names = {
  applicant: ['申请人', 'Applicant'],
  respondent: ['被申请人', 'Respondent'],
  third_party: ['第三人', 'Third party'],
};

/** Who needs particular care (特殊群体). */
export const VULNERABLE_FLAGS: Names = {
  elderly: ['老年人', 'Elderly'],
  minor: ['未成年人', 'Minor'],
  disabled: ['残疾人', 'Disabled'],
  special_population: ['特殊人群', 'Special population'],
};

/** A referral's own states (交办): `closed` is the case having taken its reply in. */
export const REFERRAL_STATES: Names = {
  issued: ['待签收', 'Issued'],
  acknowledged: ['已签收', 'Acknowledged'],
  accepted: ['已受理', 'Accepted'],
  in_progress: ['办理中', 'In progress'],
  'transfer.objectable': ['移交异议期', 'Transfer: objection window'],
  'transfer.within_remit': ['移交中', 'Being transferred'],
  replied: ['已答复', 'Replied'],
  rejected: ['已退回', 'Rejected'],
  closed: ['已办结', 'Closed'],
  cancelled: ['已撤销', 'Cancelled'],
};

/** The events a department sends on a referral. */
export const REFERRAL_EVENTS: Names = {
  REFER: ['交办', 'Referred'],
  ACKNOWLEDGE: ['签收', 'Acknowledge'],
  ACCEPT: ['受理', 'Accept'],
  REJECT: ['退回', 'Reject'],
  PROGRESS: ['进展', 'Progress'],
  REPLY: ['答复', 'Reply'],
  CLOSE: ['办结', 'Closed'],
  CANCEL: ['撤销', 'Cancelled'],
  CLAIM: ['认领', 'Claim'],
  ASSIGN: ['指派', 'Assign'],
  UNASSIGN: ['退出办理', 'Unassign'],
  DEADLINE_WARNING: ['时限预警', 'Deadline warning'],
  DEADLINE_ELAPSED: ['超期', 'Deadline passed'],
};

export const NOTICE_TOPICS: Names = {
  assigned: ['指派给我', 'Assigned to me'],
  unassigned: ['已取消指派', 'Unassigned'],
  claimed_by_another: ['已被他人认领', 'Claimed by another'],
  taken_in_charge: ['领导包案', 'Taken in charge'],
  deadline_warning: ['时限预警', 'Deadline warning'],
  referral_returned: ['交办被退回', 'Referral returned'],
  supervised: ['督办', 'Supervised'],
  deadline_breached: ['已超期', 'Deadline breached'],
  follow_up_unreached: ['回访未联系上', 'Follow-up not reached'],
  reopened: ['已重新办理', 'Reopened'],
  referral_urged: ['催办', 'Referral urged'],
  referral_supervised: ['交办督办', 'Referral supervised'],
};

/** Unit levels. */
export const UNIT_LEVELS: Names = {
  district: ['区', 'District'],
  street: ['街道', 'Street'],
  community: ['社区', 'Community'],
  grid: ['网格', 'Grid'],
};

/** What kind of day the working-day calendar says a date is. */
export const DAY_KINDS: Names = {
  workday: ['工作日', 'Working day'],
  weekend: ['周末', 'Weekend'],
  holiday: ['节假日', 'Holiday'],
  makeup_workday: ['调休上班', 'Make-up working day'],
};

/** Where a calendar day's kind comes from. */
export const DAY_SOURCES: Names = {
  override: ['手动调整', 'Override'],
  imported: ['导入的年度安排', 'Imported schedule'],
  official: ['国务院安排', 'Official schedule'],
  weekday: ['按星期', 'By weekday'],
};

/** The units a clock's limit is counted in. */
export const CLOCK_UNITS: Names = {
  working_days: ['工作日', 'working days'],
  calendar_days: ['自然日', 'calendar days'],
  hours: ['小时', 'hours'],
};

/** A webhook delivery's status. */
export const DELIVERY_STATUSES: Names = {
  pending: ['待投递', 'Pending'],
  delivered: ['已投递', 'Delivered'],
  dead: ['投递失败', 'Dead'],
};
