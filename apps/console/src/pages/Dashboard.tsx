import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function DashboardPage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('领导看板', 'Dashboard')}</Typography.Title>;
}
