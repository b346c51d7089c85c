import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function AdministrationPage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('系统管理', 'Administration')}</Typography.Title>;
}
