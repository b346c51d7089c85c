import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function RegisterPage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('登记案件', 'Register a case')}</Typography.Title>;
}
