import { Typography } from 'antd';
import { useI18n } from '../i18n';

export function ReferralPage() {
  const { t } = useI18n();
  return <Typography.Title level={1}>{t('交办', 'Referral')}</Typography.Title>;
}
