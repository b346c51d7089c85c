import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function ReferralsPage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('部门交办', 'Department inbox')}</Typography.Title>;
}
