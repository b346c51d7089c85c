import { App, Button, Modal, Space, Typography } from 'antd';
import { useI18n } from '../i18n';
import { problemText } from '../audit/shared';

/** Success and failure notes for the administration screens' changes. */
export function useNotes() {
  const { message } = App.useApp();
  const { t } = useI18n();
  return {
    done: (text: string) => void message.success(text),
    failed: (error: unknown) => void message.error(problemText(error, t), 8),
  };
}

/**
 * A secret shown once (a one-time password, an API key): in a dialog with a copy button, never kept anywhere once
 * the dialog is closed.
 */
export function SecretOnce({
  title,
  secret,
  note,
  onClose,
}: {
  title: string;
  secret: string | null;
  note: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal
      open={!!secret}
      title={title}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('我已记下，关闭', 'I have it, close')}
        </Button>
      }
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>{note}</Typography.Paragraph>
        <Typography.Paragraph
          code
          copyable={{ text: secret ?? '', tooltips: [t('复制', 'Copy'), t('已复制', 'Copied')] }}
          data-testid="secret-once"
          style={{ fontSize: 16 }}
        >
          {secret}
        </Typography.Paragraph>
      </Space>
    </Modal>
  );
}
