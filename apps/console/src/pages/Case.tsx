import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function CasePage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('案件', 'The case')}</Typography.Title>;
}
