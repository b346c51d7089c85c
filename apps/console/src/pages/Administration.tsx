import { Alert, ConfigProvider, Space, Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiKeysAdmin } from '../admin/ApiKeys';
import { CalendarAdmin } from '../admin/Calendar';
import { DeadlinePoliciesAdmin } from '../admin/DeadlinePolicies';
import { DeliveriesAdmin } from '../admin/Deliveries';
import { DepartmentsAdmin } from '../admin/Departments';
import { UnitsAdmin } from '../admin/Units';
import { UsersAdmin } from '../admin/Users';
import { useI18n } from '../i18n';
import { hasRole, SCREEN_ROLES, useMe } from '../session';

const TABS = ['units', 'departments', 'users', 'api-keys', 'calendar', 'deadline-policies', 'deliveries'] as const;
type Tab = (typeof TABS)[number];

/**
 * The administrator's screen, a tab a task with the tab in the URL. A scoped admin (with a unit) sees and changes
 * its own subtree only: the API decides, and a refusal is said in words on the tab.
 */
export function AdministrationPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const tab = (useParams()['*'] ?? '').split('/')[0] as Tab;
  const active: Tab = TABS.includes(tab) ? tab : 'units';
  const labels: Record<Tab, string> = {
    units: t('单位', 'Units'),
    departments: t('部门', 'Departments'),
    users: t('用户', 'Users'),
    'api-keys': t('API 密钥', 'API keys'),
    calendar: t('工作日历', 'Calendar'),
    'deadline-policies': t('办理时限', 'Deadline policies'),
    deliveries: t('推送失败', 'Dead letters'),
  };
  const content: Record<Tab, ReactNode> = {
    units: <UnitsAdmin />,
    departments: <DepartmentsAdmin />,
    users: <UsersAdmin />,
    'api-keys': <ApiKeysAdmin />,
    calendar: <CalendarAdmin />,
    'deadline-policies': <DeadlinePoliciesAdmin />,
    deliveries: <DeliveriesAdmin />,
  };
  const unscoped = !!me.data && !me.data.unitCode && !me.data.departmentCode;
  return (
    // Ant Design's red (#ff4d4f) is too light for text on white (3.3:1); this one reads at AA. Its space between
    // two Chinese characters of a button ("停 用") would part a button's visible text from its name ("停用 chen.jing").
    <ConfigProvider theme={{ token: { colorError: '#c4161c' } }} button={{ autoInsertSpace: false }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={1}>{t('系统管理', 'Administration')}</Typography.Title>
        {hasRole(me.data, 'admin') && unscoped ? (
          <Typography.Link href="/admin/queues" target="_blank" rel="noopener noreferrer">
            {t('任务队列面板（新窗口）', 'Queue dashboard (new tab)')}
          </Typography.Link>
        ) : null}
      </Space>
      {!hasRole(me.data, ...SCREEN_ROLES.administration) ? (
        <Alert
          type="warning"
          showIcon
          message={t('系统管理页面仅供管理员使用。', 'The administration screen is for administrators.')}
        />
      ) : (
        <>
          {me.data?.unitCode ? (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              message={t(
                `您是 ${me.data.unitCode} 的管理员：只能查看和修改本辖区。`,
                `You administer ${me.data.unitCode}: you see and change that subtree only.`,
              )}
            />
          ) : null}
          <Tabs
            activeKey={active}
            onChange={(key) => navigate(`/administration/${key}`)}
            items={TABS.map((key) => ({ key, label: labels[key], children: key === active ? content[key] : null }))}
          />
        </>
      )}
    </ConfigProvider>
  );
}
