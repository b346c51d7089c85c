import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Radio, Space } from 'antd';
import { useState } from 'react';
import { api, ApiProblem, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { placeFieldErrors } from '../register/problem-fields';

type Referral = Schemas['Referral'];
type Body = Schemas['ReferralEvent.ACKNOWLEDGE'] | Schemas['ReferralEvent.REPLY'] | { type: string; payload?: object };

/**
 * The department's answers to a referral, each a form written from its payload schema (`referral.v1.*`,
 * `referral.v2.*` in the OpenAPI document): a note (optional for 签收 and 受理, required for 进展), the reason of a
 * 退回, the reply's verdict and result; at most 4,000 characters each, as the schemas say.
 */
interface Action {
  type: string;
  zh: string;
  en: string;
  title: [string, string];
  primary?: boolean;
  danger?: boolean;
  fields: Array<'note' | 'noteRequired' | 'reason' | 'reasonOptional' | 'resolved' | 'result'>;
}

const ACTIONS: Action[] = [
  { type: 'CLAIM', zh: '认领', en: 'Claim', title: ['认领交办', 'Claim the referral'], fields: [] },
  {
    type: 'ACKNOWLEDGE',
    zh: '签收',
    en: 'Acknowledge',
    title: ['签收交办', 'Acknowledge the referral'],
    primary: true,
    fields: ['note'],
  },
  {
    type: 'ACCEPT',
    zh: '受理',
    en: 'Accept',
    title: ['受理交办', 'Accept the referral'],
    primary: true,
    fields: ['note'],
  },
  { type: 'PROGRESS', zh: '进展', en: 'Progress', title: ['报告进展', 'Report progress'], fields: ['noteRequired'] },
  {
    type: 'REPLY',
    zh: '答复',
    en: 'Reply',
    title: ['答复交办', 'Reply to the referral'],
    primary: true,
    fields: ['resolved', 'result'],
  },
  {
    type: 'REJECT',
    zh: '退回',
    en: 'Reject',
    title: ['退回交办', 'Reject the referral'],
    danger: true,
    fields: ['reason'],
  },
  {
    type: 'UNASSIGN',
    zh: '退出办理',
    en: 'Hand back',
    title: ['退出办理', 'Hand the referral back'],
    fields: ['reasonOptional'],
  },
];

const TEXT_MAX = 4000;

export function ReferralActions({ referral }: { referral: Referral }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState<Action | null>(null);
  const [form] = Form.useForm<Record<string, unknown>>();
  const allowed = ACTIONS.filter((a) => referral.allowedEvents.includes(a.type));

  const send = useMutation({
    mutationFn: (body: Body) =>
      data(
        api.POST('/api/v1/referrals/{id}/events', {
          params: { path: { id: referral.id } },
          body: { ...body, expectedVersion: referral.version } as Schemas['ReferralEvent.ACKNOWLEDGE'],
        }),
      ),
    onSuccess: (answer, body) => {
      client.setQueryData(['referral', referral.id], answer);
      void client.invalidateQueries({ queryKey: ['referrals'] });
      void client.invalidateQueries({ queryKey: ['queue'] });
      void client.invalidateQueries({ queryKey: ['queue-counts'] });
      const action = ACTIONS.find((a) => a.type === body.type);
      void message.success(t(`已${action?.zh ?? body.type}`, `${action?.en ?? body.type}: done`));
      setOpen(null);
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.status === 409) {
        void message.warning(
          t('交办已有变化，页面已刷新，请重新操作。', 'The referral changed meanwhile: the page is refreshed.'),
        );
        void client.invalidateQueries({ queryKey: ['referral', referral.id] });
        setOpen(null);
        return;
      }
      if (error instanceof ApiProblem && error.problem.errors?.length) {
        const placed = placeFieldErrors(error.fieldErrors, (path) => path.length === 1, 'payload');
        form.setFields(placed.onFields);
        if (!placed.elsewhere.length) return;
        void message.error(placed.elsewhere.join('；'));
        return;
      }
      void message.error(error.message);
    },
  });

  const submit = (action: Action, values: Record<string, unknown>) => {
    const payload: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (typeof value === 'string') {
        if (value.trim()) payload[key] = value.trim();
      } else if (value !== undefined) payload[key] = value;
    }
    send.mutate({ type: action.type, payload });
  };

  const start = (action: Action) => {
    if (!action.fields.length) return send.mutate({ type: action.type, payload: {} });
    form.resetFields();
    setOpen(action);
  };

  const text = (name: string, label: string, required: boolean) => (
    <Form.Item
      key={name}
      name={name}
      label={label}
      rules={[
        ...(required
          ? [{ required: true, whitespace: true, message: t(`请填写${label}`, `Enter the ${label.toLowerCase()}`) }]
          : []),
        { max: TEXT_MAX, message: t('最多 4000 个字', 'At most 4,000 characters') },
      ]}
    >
      <Input.TextArea rows={3} maxLength={TEXT_MAX} />
    </Form.Item>
  );
  const fieldOf = (field: Action['fields'][number]) => {
    switch (field) {
      case 'note':
        return text('note', t('说明（可选）', 'Note (optional)'), false);
      case 'noteRequired':
        return text('note', t('进展情况', 'Progress'), true);
      case 'reason':
        return text('reason', t('退回理由', 'Reason'), true);
      case 'reasonOptional':
        return text('reason', t('理由（可选）', 'Reason (optional)'), false);
      case 'result':
        return text('result', t('办理结果', 'Result'), true);
      case 'resolved':
        return (
          <Form.Item
            key="resolved"
            name="resolved"
            label={t('是否解决', 'Resolved?')}
            rules={[{ required: true, message: t('请选择是否解决', 'Say whether it was resolved') }]}
          >
            <Radio.Group
              options={[
                { value: true, label: t('已解决', 'Resolved') },
                { value: false, label: t('未解决', 'Not resolved') },
              ]}
            />
          </Form.Item>
        );
    }
  };

  if (!allowed.length) return null;
  return (
    <>
      <Space wrap>
        {allowed.map((action) => (
          <Button
            key={action.type}
            type={action.primary ? 'primary' : 'default'}
            danger={action.danger}
            loading={send.isPending && send.variables?.type === action.type && !open}
            onClick={() => start(action)}
          >
            {t(action.zh, action.en)}
          </Button>
        ))}
      </Space>
      <Modal
        open={!!open}
        title={open ? t(...open.title) : ''}
        okText={t('提交', 'Submit')}
        cancelText={t('取消', 'Cancel')}
        confirmLoading={send.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(null)}
        forceRender
        scrollLock={false}
      >
        <Form form={form} layout="vertical" onFinish={(values) => open && submit(open, values)}>
          {open?.fields.map(fieldOf)}
        </Form>
      </Modal>
    </>
  );
}
