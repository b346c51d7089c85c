import { Descriptions, Space, Tag } from 'antd';
import { useI18n } from '../i18n';
import { CATEGORIES, CHANNELS, KINDS, nameOf, OUTCOMES, RISKS, STAGES, stateName } from '../labels';
import type { CaseView } from './api';
import { TAG } from './colours';

const RISK_COLOURS: Record<string, string> = { low: TAG.green, medium: TAG.gold, high: TAG.volcano, critical: TAG.red };

/** The case at a glance: what it is, where it stands, who works it. */
export function CaseHeader({ view, people }: { view: CaseView; people: Map<string, string> }) {
  const { t, lang } = useI18n();
  const person = (id: string | null | undefined) => (id ? (people.get(id) ?? id) : t('无', 'No one'));
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 2, lg: 3 }}
      items={[
        { key: 'reference', label: t('案件编号', 'Reference'), children: view.reference },
        { key: 'queryCode', label: t('查询码', 'Query code'), children: <code>{view.queryCode}</code> },
        { key: 'kind', label: t('类型', 'Kind'), children: nameOf(KINDS, view.kind, lang) },
        {
          key: 'state',
          label: t('状态', 'State'),
          children: <span data-testid="case-state">{view.state ? stateName(view.state, lang) : '—'}</span>,
        },
        { key: 'stage', label: t('阶段', 'Stage'), children: nameOf(STAGES, view.stage, lang) },
        { key: 'unit', label: t('所属单位', 'Owning unit'), children: view.unitCode },
        { key: 'assignee', label: t('承办人', 'Assignee'), children: person(view.assigneeId) },
        { key: 'inCharge', label: t('包案领导', 'Leader in charge'), children: person(view.inChargeId) },
        { key: 'channel', label: t('来源渠道', 'Channel'), children: nameOf(CHANNELS, view.channel, lang) },
        { key: 'category', label: t('类别', 'Category'), children: nameOf(CATEGORIES, view.category, lang) },
        {
          key: 'risk',
          label: t('风险等级', 'Risk'),
          children: view.riskLevel ? (
            <Tag color={RISK_COLOURS[view.riskLevel]}>{nameOf(RISKS, view.riskLevel, lang)}</Tag>
          ) : (
            '—'
          ),
        },
        { key: 'outcome', label: t('结果', 'Outcome'), children: nameOf(OUTCOMES, view.outcome, lang) },
        {
          key: 'marks',
          label: t('标记', 'Marks'),
          children: (
            <Space size={4} wrap>
              {view.supervised && <Tag color={TAG.red}>{t('督办', 'Supervised')}</Tag>}
              {view.confidential && <Tag color={TAG.purple}>{t('保密（检举控告）', 'Confidential')}</Tag>}
              {!view.supervised && !view.confidential && t('无', 'None')}
            </Space>
          ),
        },
        { key: 'version', label: t('流程版本', 'Machine'), children: `v${view.machineVersion} · #${view.version}` },
        { key: 'summary', label: t('摘要', 'Summary'), span: 'filled', children: view.summary },
      ]}
    />
  );
}
