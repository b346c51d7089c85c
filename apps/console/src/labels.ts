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

/** Categories of cases (a deployment may add its own: those show as their code). */
export const CATEGORIES: Names = {
  neighbour: ['邻里纠纷', 'Neighbours'],
  family: ['婚姻家庭', 'Family'],
  labour: ['劳动争议', 'Labour'],
  consumer: ['消费纠纷', 'Consumer'],
  public_order: ['治安', 'Public order'],
  property_management: ['物业管理', 'Property management'],
  land: ['土地', 'Land'],
};

/** Unit levels. */
export const UNIT_LEVELS: Names = {
  district: ['区', 'District'],
  street: ['街道', 'Street'],
  community: ['社区', 'Community'],
  grid: ['网格', 'Grid'],
};
