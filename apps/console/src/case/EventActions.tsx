import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Modal, Space, Spin, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { api, ApiProblem, data } from '../api/client';
import { fieldsOf, payloadErrors } from '../forms/schema-form';
import type { Choice } from '../forms/SchemaForm';
import { useIdle } from '../idle';
import { useI18n } from '../i18n';
import { EVENTS, nameOf } from '../labels';
import { caseKey, payloadSchema, useDepartments, usePeople, type CaseView } from './api';

/**
 * The form's code (its date, number and choice controls) is not needed to show the case: it loads when the
 * browser is idle after the page is drawn, or when a dialog opens first.
 */
const loadForm = () => import('../forms/SchemaForm');
const SchemaForm = lazy(() => loadForm().then((m) => ({ default: m.SchemaForm })));

interface Props {
  view: CaseView;
  me: { id: string; name: string; roles: string[] };
}

/**
 * One button per event the case takes now (`allowedEvents`): a form generated from the event's payload schema
 * on the case's own machine version, sent with the case's version (409 version_conflict when someone else was
 * quicker). An event with nothing to fill in (CLAIM) asks only for confirmation.
 */
export function EventActions({ view, me }: Props) {
  const { t, lang } = useI18n();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [form] = Form.useForm();
  const isAdmin = me.roles.includes('admin');
  const people = usePeople(isAdmin && open !== null);
  // The choices and the form's code are wanted when a form opens, not to show the case: read once the page is up.
  const idle = useIdle();
  const departments = useDepartments(idle || open !== null);

  const send = useMutation({
    mutationFn: ({ type, payload }: { type: string; payload: Record<string, unknown> }) =>
      data(
        api.POST('/api/v1/cases/{id}/events', {
          params: { path: { id: view.id! } },
          body: { type, payload, expectedVersion: view.version } as never,
        }),
      ),
    onSuccess: (next, { type }) => {
      client.setQueryData(caseKey(view.id!), next);
      void client.invalidateQueries({ queryKey: ['case', view.id!] });
      setOpen(null);
      setProblem(null);
      form.resetFields();
      message.success(t(`已${nameOf(EVENTS, type, lang)}`, `${nameOf(EVENTS, type, lang)}: done`));
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.problem.code === 'version_conflict') {
        message.warning(
          t(
            '案件已被他人更新，已刷新为最新状态，请重新操作。',
            'Someone else changed the case first: it is refreshed, try again.',
          ),
        );
        setOpen(null);
        setProblem(null);
        void client.invalidateQueries({ queryKey: ['case', view.id!] });
        return;
      }
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { detail: String(error) } as never));
    },
  });

  const machine = view.kind!;
  const version = view.machineVersion!;
  const schema = open ? payloadSchema(machine, version, open) : undefined;
  const serverErrors = useMemo(() => (problem ? payloadErrors(problem.fieldErrors) : undefined), [problem]);

  const start = (type: string) => {
    const own = payloadSchema(machine, version, type);
    if (own && fieldsOf(own).length === 0) {
      modal.confirm({
        title: t(`确认${nameOf(EVENTS, type, lang)}？`, `${nameOf(EVENTS, type, lang)}?`),
        content: `${view.reference}`,
        okText: t('确认', 'Confirm'),
        cancelText: t('取消', 'Cancel'),
        scrollLock: false,
        onOk: () => send.mutateAsync({ type, payload: {} }).catch(() => undefined),
      });
      return;
    }
    setProblem(null);
    form.resetFields();
    setOpen(type);
  };

  const choices: Partial<Record<string, Choice[]>> = useMemo(() => {
    const list = (departments.data?.items ?? []).map((d) => ({ value: d.code!, label: `${d.name} (${d.code})` }));
    return list.length ? { code: list, departmentCode: list, departmentCodes: list, courtCode: list } : {};
  }, [departments.data]);
  const peopleChoices = people.data?.items.map((u) => ({
    value: u.id,
    label: `${u.name} (${u.username}${u.unitCode ? ` · ${u.unitCode}` : ''})`,
  }));

  useEffect(() => {
    if (idle) void loadForm();
  }, [idle]);

  const events = view.allowedEvents ?? [];
  return (
    <>
      {events.length === 0 ? (
        <Typography.Text type="secondary">{t('当前没有可执行的操作。', 'Nothing to do here now.')}</Typography.Text>
      ) : (
        <Space wrap>
          {events.map((type) => (
            <Button key={type} onClick={() => start(type)} type={type === 'CLAIM' ? 'primary' : 'default'}>
              {nameOf(EVENTS, type, lang)}
            </Button>
          ))}
        </Space>
      )}
      <Modal
        open={open !== null}
        title={open ? nameOf(EVENTS, open, lang) : ''}
        okText={t('提交', 'Submit')}
        cancelText={t('取消', 'Cancel')}
        confirmLoading={send.isPending}
        onOk={() => form.submit()}
        onCancel={() => {
          setOpen(null);
          setProblem(null);
        }}
        destroyOnHidden
        // Ant Design locks the page's scrolling with a <style> element that carries no nonce, which the CSP
        // refuses: the dialog leaves the page scrollable instead.
        scrollLock={false}
        width={640}
      >
        {problem && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={problem.problem.title ?? t('操作未成功', 'The action failed')}
            description={problem.problem.detail}
          />
        )}
        {open && !schema && (
          <Alert type="warning" title={t('找不到此操作的表单。', 'No form is published for this action.')} />
        )}
        {open && schema && (
          <Suspense fallback={<Spin />}>
            <SchemaForm
              id={`event-${open}`}
              schema={schema}
              form={form}
              serverErrors={serverErrors}
              people={isAdmin ? peopleChoices : undefined}
              me={me}
              choices={choices}
              onSubmit={(payload) => send.mutate({ type: open, payload })}
            />
          </Suspense>
        )}
      </Modal>
    </>
  );
}
