import type { Lang } from '../i18n';

type Names = Record<string, [zh: string, en: string]>;

/** The payloads' common properties by name; any other shows its property name made readable. */
const FIELDS: Names = {
  reason: ['理由', 'Reason'],
  note: ['备注', 'Note'],
  notes: ['记录', 'Notes'],
  text: ['内容', 'Text'],
  comment: ['评价', 'Comment'],
  summary: ['摘要', 'Summary'],
  userId: ['人员', 'Person'],
  mediatorId: ['调解员', 'Mediator'],
  dueAt: ['答复期限', 'Due at'],
  dueInWorkingDays: ['答复时限（工作日）', 'Due in working days'],
  departments: ['承办部门', 'Departments'],
  departmentCode: ['部门', 'Department'],
  departmentCodes: ['参会部门', 'Departments'],
  code: ['部门', 'Department'],
  role: ['角色', 'Role'],
  instructions: ['交办要求', 'Instructions'],
  shareParties: ['向部门提供当事人信息', 'Share the parties'],
  category: ['类别', 'Category'],
  riskLevel: ['风险等级', 'Risk level'],
  tags: ['标签', 'Tags'],
  channel: ['渠道', 'Channel'],
  at: ['时间', 'At'],
  location: ['地点', 'Location'],
  outcome: ['结果', 'Outcome'],
  terms: ['协议内容', 'Terms'],
  satisfaction: ['满意度（1–5）', 'Satisfaction (1–5)'],
  reached: ['已联系上申请人', 'Applicant reached'],
  days: ['延长天数', 'Days'],
  approver: ['批准人', 'Approver'],
  title: ['职务', 'Title'],
  consent: ['双方同意', 'Consent'],
  applicant: ['申请人', 'Applicant'],
  respondent: ['被申请人', 'Respondent'],
  record: ['记录', 'Record'],
  name: ['名称', 'Name'],
  phone: ['电话', 'Phone'],
  idNumber: ['证件号码', 'ID number'],
  vulnerable: ['特殊群体', 'Vulnerable'],
  mediaType: ['文件类型', 'Media type'],
  url: ['链接', 'URL'],
  sha256: ['SHA-256 摘要', 'SHA-256'],
  intoCaseId: ['并入案件', 'Merge into case'],
  relatedCaseId: ['关联案件', 'Related case'],
  to: ['移交至', 'Transfer to'],
  reference: ['文号', 'Reference'],
  opinion: ['意见', 'Opinion'],
  supported: ['支持程度', 'Supported'],
  answer: ['答复', 'Answer'],
  deliveredAt: ['送达时间', 'Delivered at'],
  method: ['送达方式', 'Method'],
  proof: ['送达凭证', 'Proof'],
  unitCode: ['承办单位', 'Unit'],
  ground: ['依据', 'Ground'],
  outsideBody: ['外部机关', 'Outside body'],
  body: ['机关', 'Body'],
  resolved: ['已解决', 'Resolved'],
  result: ['办理结果', 'Result'],
  toVersion: ['目标版本', 'To version'],
  answers: ['补充信息', 'Answers'],
  petitionType: ['信访类别', 'Petition type'],
  agenda: ['议题', 'Agenda'],
  courtCode: ['委派法院', 'Court'],
  number: ['案号', 'Number'],
  receivedAt: ['收到时间', 'Received at'],
};

/** Enum values the forms offer, by name; any other shows its code. */
const VALUES: Names = {
  lead: ['牵头', 'Lead'],
  assist: ['协办', 'Assist'],
  low: ['低', 'Low'],
  medium: ['中', 'Medium'],
  high: ['高', 'High'],
  critical: ['重大', 'Critical'],
  people: ['人民调解', 'People’s mediation'],
  administrative: ['行政调解', 'Administrative mediation'],
  industry: ['行业性专业调解', 'Industry mediation'],
  judicial: ['司法调解', 'Judicial mediation'],
  continuing: ['继续调解', 'Continuing'],
  agreement: ['达成协议', 'Agreement'],
  failed: ['调解不成', 'Failed'],
  applicant: ['申请人', 'Applicant'],
  respondent: ['被申请人', 'Respondent'],
  third_party: ['第三人', 'Third party'],
  elderly: ['老年人', 'Elderly'],
  minor: ['未成年人', 'Minor'],
  disabled: ['残疾人', 'Disabled'],
  special_population: ['特殊人群', 'Special population'],
  litigation: ['诉讼', 'Litigation'],
  arbitration: ['仲裁', 'Arbitration'],
  administrative_review: ['行政复议', 'Administrative review'],
  administrative_reconsideration: ['行政复议', 'Administrative reconsideration'],
  discipline_inspection: ['纪检监察', 'Discipline inspection'],
  petition: ['信访', 'Petition'],
  other: ['其他', 'Other'],
  full: ['支持', 'Fully'],
  partial: ['部分支持', 'Partly'],
  none: ['不支持', 'Not'],
  in_person: ['当面送达', 'In person'],
  post: ['邮寄', 'By post'],
  electronic: ['电子送达', 'Electronic'],
  suggestion: ['建议意见类', 'Suggestion'],
  accusation: ['检举控告类', 'Accusation'],
  claim: ['申诉求决类', 'Claim'],
  already_re_reviewed: ['已复核终结', 'Already re-reviewed'],
};

/** `dueInWorkingDays` → `Due in working days`. */
export function readable(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

export function fieldLabel(name: string, lang: Lang): string {
  const known = FIELDS[name];
  return known ? known[lang === 'zh' ? 0 : 1] : readable(name);
}

export function valueLabel(value: string, lang: Lang): string {
  const known = VALUES[value];
  return known ? `${known[lang === 'zh' ? 0 : 1]}` : value;
}

const MESSAGES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^is required$/, () => '必填'],
  [/^must not be empty$/, () => '不能为空'],
  [/^is not a known field$/, () => '不是可用的字段'],
  [/^must have at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^must have at most (\d+) characters$/, (m) => `最多 ${m[1]} 个字符`],
  [/^must be between (\S+) and (\S+)$/, (m) => `应在 ${m[1]} 到 ${m[2]} 之间`],
  [/^must have between (\d+) and (\S+) items$/, (m) => `应有 ${m[1]} 到 ${m[2]} 项`],
  [/^must be one of: /, () => '请从选项中选择'],
  [/^must be a UUID$/, () => '应为 UUID（例如 0b0e7d2a-5a59-4c1e-9a3c-6f1f2c3d4e5f）'],
  [/^must be letters, digits, "_" or "-"$/, () => '只能包含字母、数字、“_”或“-”'],
  [/^must be 64 hex digits$/, () => '应为 64 位十六进制数字'],
  [/^must be a valid phone number/, () => '应为有效的电话号码：大陆号码直接填写，其他号码加 + 国家代码'],
  [/^must not contain control characters$/, () => '不能包含控制字符'],
  [/^must be an integer/, () => '应为整数'],
  [/^must be an ISO 8601 date-time/, () => '应为日期时间'],
  [/^must be a date and time that exist$/, () => '日期时间不存在'],
  [/^must be an instant from/, () => '日期应在 1950 年至 2199 年之间'],
  [/^is not an active user$/, () => '不是在用的人员账号'],
  [/^does not work in the unit that owns the case$/, () => '不在案件所属单位工作'],
  [/^does not hold the (.+) role$/, (m) => `不具备所需角色（${m[1]}）`],
];

/**
 * A field error's message in the reader's language: the server's (and `validate`'s) English as it is, or its
 * Chinese for the messages both give; an unknown one (the server's own rules) stays as the server wrote it.
 */
export function messageText(message: string, lang: Lang): string {
  if (lang !== 'zh') return message;
  for (const [pattern, zh] of MESSAGES) {
    const m = pattern.exec(message);
    if (m) return zh(m);
  }
  return message;
}
