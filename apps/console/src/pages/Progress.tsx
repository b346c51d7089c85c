import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function ProgressPage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('办理进度查询', 'Case progress')}</Typography.Title>;
}
