import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function WorkPage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('我的工作', 'My work')}</Typography.Title>;
}
