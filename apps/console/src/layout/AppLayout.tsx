import { Button, Grid, Layout, Menu, Segmented, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { nameOf, ROLES } from '../labels';
import { hasRole, SCREEN_ROLES, useMe, useSignOut, type Role } from '../session';
import { NoticeBell } from './NoticeBell';

const { Header, Sider, Content } = Layout;

/** The language switch: 中文 / English, in every page's header (and on the sign-in and public pages). */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented
      size="small"
      aria-label={t('界面语言', 'Language')}
      value={lang}
      onChange={(value) => setLang(value as 'zh' | 'en')}
      options={[
        { value: 'zh', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}

/**
 * The frame of every signed-in screen: the menu of the screens the person's roles may use, the language switch,
 * the notice bell and sign-out. Nobody signed in goes to the sign-in page; a one-time password to its change.
 */
export function AppLayout() {
  const { t, lang } = useI18n();
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const screens = Grid.useBreakpoint();
  // Below the sider's breakpoint (phones), the menu opens from a button at the header's left edge, and the
  // header keeps to one line: the person's roles give way to the bell, the language switch and sign-out.
  const narrow = screens.lg === false;

  if (me.isPending) return <Spin fullscreen tip={t('加载中', 'Loading')} />;
  if (!me.data)
    return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (me.data.mustChangePassword) return <Navigate to="/password" replace />;

  const may = (roles: Role[]) => hasRole(me.data, ...roles);
  const items = [
    may(SCREEN_ROLES.work) && { key: '/work', label: t('我的工作', 'My work') },
    may(SCREEN_ROLES.register) && { key: '/register', label: t('登记案件', 'Register a case') },
    may(SCREEN_ROLES.referrals) && { key: '/referrals', label: t('部门交办', 'Department inbox') },
    may(SCREEN_ROLES.dashboard) && { key: '/dashboard', label: t('领导看板', 'Dashboard') },
    may(SCREEN_ROLES.audit) && { key: '/audit', label: t('审计', 'Audit') },
    may(SCREEN_ROLES.administration) && { key: '/administration', label: t('系统管理', 'Administration') },
  ].filter((item) => !!item);
  const selected = items.find((i) => location.pathname.startsWith(i.key))?.key;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        breakpoint="lg"
        collapsedWidth={0}
        collapsed={collapsed}
        onCollapse={setCollapsed}
        theme="light"
        width={208}
        zeroWidthTriggerStyle={{ top: 12 }}
      >
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 16 }}>Concord {t('多元化解', 'Mediation')}</div>
        <nav aria-label={t('主菜单', 'Main menu')}>
          <Menu
            mode="inline"
            selectedKeys={selected ? [selected] : []}
            items={items}
            onClick={({ key }) => {
              navigate(key);
              if (window.innerWidth < 992) setCollapsed(true);
            }}
          />
        </nav>
      </Sider>
      <Layout>
        <Header
          style={{
            background: '#fff',
            padding: narrow ? '0 8px 0 56px' : '0 16px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'flex-end',
            gap: 12,
            flexWrap: 'wrap',
            height: 'auto',
            minHeight: 56,
          }}
        >
          <Space wrap size="small">
            <NoticeBell />
            <LangSwitch />
            <Typography.Text>
              {me.data.name}
              {!narrow && (
                <Typography.Text type="secondary">
                  {' '}
                  ({me.data.roles.map((r) => nameOf(ROLES, r, lang)).join('、')})
                </Typography.Text>
              )}
            </Typography.Text>
            <Button
              size="small"
              onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/sign-in') })}
              loading={signOut.isPending}
            >
              {t('退出', 'Sign out')}
            </Button>
          </Space>
        </Header>
        <Content style={{ padding: 16 }}>
          <main>
            <Outlet />
          </main>
        </Content>
      </Layout>
    </Layout>
  );
}
