import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function AuditPage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('审计', 'Audit')}</Typography.Title>;
}
