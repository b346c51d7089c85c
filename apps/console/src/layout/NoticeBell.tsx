import { BellOutlined } from '@ant-design/icons';
import { Badge, Button } from 'antd';
import { useI18n } from '../i18n';

/** The notice inbox's bell in the header (the inbox itself is part of My work). */
export function NoticeBell() {
  const { t } = useI18n();
  return (
    <Badge count={0} size="small">
      <Button size="small" icon={<BellOutlined />} aria-label={t('通知', 'Notices')} href="/work?tab=notices" />
    </Badge>
  );
}
