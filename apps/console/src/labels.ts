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

/** A referral's states (a referral's machine, not the case's). */
export const REFERRAL_STATES: Names = {
  issued: ['已交办', 'Issued'],
  acknowledged: ['已签收', 'Acknowledged'],
  accepted: ['已受理', 'Accepted'],
  in_progress: ['办理中', 'In progress'],
  'transfer.objectable': ['申请退回（可异议）', 'Transfer requested (objectable)'],
  'transfer.within_remit': ['退回审核（职责内）', 'Transfer review (within remit)'],
  replied: ['已答复', 'Replied'],
  rejected: ['已退回', 'Rejected'],
  closed: ['已办结', 'Closed'],
  cancelled: ['已撤销', 'Cancelled'],
};

/** The levels of the unit hierarchy. */
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
