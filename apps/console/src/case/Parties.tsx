import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Tag } from 'antd';
import { errorHelp } from '../forms/error-help';
import { useState } from 'react';
import { api, ApiProblem, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { nameOf, PARTY_ROLES, VULNERABLE_FLAGS } from '../labels';
import type { Party } from './api';
import { TAG } from './colours';
import { SimpleTable } from './SimpleTable';

/** The parties as the API answers them (masked for roles that may not see their PII). */
function PartyTable({ parties }: { parties: Party[] }) {
  const { t, lang } = useI18n();
  return (
    <SimpleTable<Party>
      rows={parties}
      rowKey={(row) => row.id!}
      emptyText={t('没有当事人', 'No parties')}
      columns={[
        { title: t('角色', 'Role'), key: 'role', render: (p) => nameOf(PARTY_ROLES, p.role, lang) },
        { title: t('姓名', 'Name'), key: 'name', render: (p) => p.name },
        { title: t('电话', 'Phone'), key: 'phone', render: (p) => p.phone ?? '—' },
        { title: t('证件号码', 'ID number'), key: 'idNumber', render: (p) => p.idNumber ?? '—' },
        {
          title: t('特殊群体', 'Vulnerable'),
          key: 'vulnerable',
          render: (p) =>
            p.vulnerable?.length ? p.vulnerable.map((v) => nameOf(VULNERABLE_FLAGS, v, lang)).join('、') : '—',
        },
        {
          title: t('代表', 'Representative'),
          key: 'representative',
          render: (p) => (p.representative ? <Tag color={TAG.blue}>{t('代表人', 'Representative')}</Tag> : '—'),
        },
        {
          title: t('信息', 'PII'),
          key: 'masked',
          render: (p) => (p.masked ? t('已脱敏', 'Masked') : t('明文', 'Clear')),
        },
      ]}
    />
  );
}

/**
 * The parties, and for auditors and admins the unmask dialog: the reason is asked, the disclosure is logged by the
 * API, and the clear parties are shown in the dialog only (never cached or kept).
 */
export function Parties({ caseId, parties, mayUnmask }: { caseId: string; parties: Party[]; mayUnmask: boolean }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [clear, setClear] = useState<Schemas['UnmaskedParties'] | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const [missing, setMissing] = useState<string | null>(null);
  const unmask = useMutation({
    // The clear parties live in this dialog only: nothing of them stays in the mutation cache.
    gcTime: 0,
    mutationFn: (reason: string) =>
      data(api.POST('/api/v1/audit/cases/{id}/unmask', { params: { path: { id: caseId } }, body: { reason } })),
    onSuccess: (answer) => setClear(answer),
  });
  const close = () => {
    setOpen(false);
    setClear(null);
    unmask.reset();
    setMissing(null);
    form.resetFields();
  };
  const problem = unmask.error instanceof ApiProblem ? unmask.error : null;
  return (
    <>
      {mayUnmask && (
        <Button style={{ marginBottom: 12 }} onClick={() => setOpen(true)}>
          {t('查看明文', 'Unmask')}
        </Button>
      )}
      <PartyTable parties={parties} />
      <Modal
        open={open}
        title={t('查看当事人明文信息', 'Unmask the parties')}
        onCancel={close}
        destroyOnHidden
        scrollLock={false}
        width={900}
        footer={
          clear
            ? [
                <Button key="close" onClick={close}>
                  {t('关闭', 'Close')}
                </Button>,
              ]
            : [
                <Button key="cancel" onClick={close}>
                  {t('取消', 'Cancel')}
                </Button>,
                <Button key="ok" type="primary" loading={unmask.isPending} onClick={() => form.submit()}>
                  {t('查看明文', 'Unmask')}
                </Button>,
              ]
        }
      >
        {clear ? (
          <>
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('本次查看已记入审计日志', 'This disclosure is in the audit access log')}
              description={`${t('理由', 'Reason')}: ${clear.reason}`}
            />
            <PartyTable parties={clear.parties} />
          </>
        ) : (
          <Form
            form={form}
            name="unmask"
            layout="vertical"
            onFinish={({ reason }) => {
              const given = (reason ?? '').trim();
              const problem = !given
                ? t('请填写理由', 'Give a reason')
                : given.length > 500
                  ? t('最多 500 个字符', 'At most 500 characters')
                  : null;
              setMissing(problem);
              if (!problem) unmask.mutate(given);
            }}
          >
            {problem && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problem.message} />}
            <Form.Item
              name="reason"
              label={t('查看理由', 'Reason')}
              extra={t('理由将记入审计访问日志。', 'The reason is kept in the audit access log.')}
              validateStatus={missing || problem?.fieldErrors.reason ? 'error' : undefined}
              help={errorHelp(missing ?? problem?.fieldErrors.reason)}
            >
              <Input.TextArea rows={3} />
            </Form.Item>
          </Form>
        )}
      </Modal>
    </>
  );
}
