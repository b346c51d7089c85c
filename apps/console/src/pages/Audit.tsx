import { Alert, Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { EventSearch } from '../audit/EventSearch';
import { ExportEvents } from '../audit/ExportEvents';
import { PointInTimeView } from '../audit/PointInTime';
import { SecurityLogView } from '../audit/SecurityLog';
import { VerifyChains } from '../audit/Verify';
import { useI18n } from '../i18n';
import { hasRole, SCREEN_ROLES, useMe } from '../session';

const TABS = ['events', 'verify', 'point-in-time', 'export', 'security-log'] as const;
type Tab = (typeof TABS)[number];

/** The auditor's screen: one tab a task, the tab in the URL (`/audit/verify`), so each can be linked to. */
export function AuditPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const tab = (useParams()['*'] ?? '').split('/')[0] as Tab;
  const active: Tab = TABS.includes(tab) ? tab : 'events';
  const labels: Record<Tab, string> = {
    events: t('事件查询', 'Event search'),
    verify: t('链核验', 'Verify'),
    'point-in-time': t('时点回溯', 'Point in time'),
    export: t('导出', 'Export'),
    'security-log': t('安全日志', 'Security log'),
  };
  const content: Record<Tab, ReactNode> = {
    events: <EventSearch />,
    verify: <VerifyChains />,
    'point-in-time': <PointInTimeView />,
    export: <ExportEvents />,
    'security-log': <SecurityLogView />,
  };
  return (
    <>
      <Typography.Title level={1}>{t('审计', 'Audit')}</Typography.Title>
      {!hasRole(me.data, ...SCREEN_ROLES.audit) ? (
        <Alert
          type="warning"
          showIcon
          message={t('审计页面仅供审计员和管理员使用。', 'The audit screen is for auditors and administrators.')}
        />
      ) : (
        <Tabs
          activeKey={active}
          onChange={(key) => navigate(`/audit/${key}${key === active ? location.search : ''}`)}
          items={TABS.map((key) => ({
            key,
            label: labels[key],
            // Only the open tab asks the API for anything.
            children: key === active ? content[key] : null,
          }))}
        />
      )}
    </>
  );
}
