import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Calendar, Form, Input, Modal, Radio, Space, Spin, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { ProblemAlert } from '../audit/shared';
import { useI18n } from '../i18n';
import { DAY_KINDS, DAY_SOURCES, nameOf } from '../labels';
import { useNotes } from './common';

type Day = Schemas['CalendarDay'];

/**
 * The working-day calendar a month at a time: holidays (休) and make-up working days (班, 调休) marked in words in
 * each day's cell; a day clicked opens its override (a rest day or a working day, whatever the schedule says).
 */
export function CalendarAdmin() {
  const { t, lang } = useI18n();
  const notes = useNotes();
  const client = useQueryClient();
  const [month, setMonth] = useState<Dayjs>(() => dayjs().startOf('month'));
  const [editing, setEditing] = useState<Day | null>(null);
  const [form] = Form.useForm<{ kind: 'holiday' | 'workday'; name: string }>();
  const from = month.startOf('month').format('YYYY-MM-DD');
  const to = month.endOf('month').format('YYYY-MM-DD');
  const days = useQuery({
    queryKey: ['admin-calendar', from],
    queryFn: () => data(api.GET('/api/v1/calendar', { params: { query: { from, to } } })),
  });
  const byDate = new Map((days.data?.days ?? []).map((d) => [d.date, d]));
  const refresh = () => client.invalidateQueries({ queryKey: ['admin-calendar'] });

  const put = useMutation({
    mutationFn: (v: { date: string; kind: 'holiday' | 'workday'; name: string }) =>
      data(
        api.PUT('/api/v1/calendar/overrides/{date}', {
          params: { path: { date: v.date } },
          body: { kind: v.kind, name: v.name.trim() },
        }),
      ),
    onSuccess: (o) => {
      notes.done(t(`已调整 ${o.date}`, `${o.date} overridden`));
      setEditing(null);
      void refresh();
    },
    onError: notes.failed,
  });
  const remove = useMutation({
    mutationFn: (date: string) => data(api.DELETE('/api/v1/calendar/overrides/{date}', { params: { path: { date } } })),
    onSuccess: () => {
      notes.done(t('已恢复按安排', 'Back to the schedule'));
      setEditing(null);
      void refresh();
    },
    onError: notes.failed,
  });

  /** What a day's cell says, in words: 休 for a rest day that would be a working day, 班 for a make-up one. */
  const mark = (day: Day | undefined) => {
    if (!day) return null;
    const override = day.source === 'override';
    if (day.kind === 'holiday' || day.kind === 'makeup_workday' || override) {
      const sign = day.workday ? t('班', 'Work') : t('休', 'Off');
      return (
        <div data-testid={`day-${day.date}`} style={{ fontSize: 12, lineHeight: 1.4 }}>
          <strong>{sign}</strong> {day.name ?? nameOf(DAY_KINDS, day.kind, lang)}
          {override ? <div>{t('（手动调整）', '(override)')}</div> : null}
        </div>
      );
    }
    return null;
  };

  const open = (date: Dayjs) => {
    const day = byDate.get(date.format('YYYY-MM-DD'));
    if (!day) return;
    setEditing(day);
    form.setFieldsValue({
      kind: day.workday ? 'holiday' : 'workday',
      name: day.source === 'override' ? (day.name ?? '') : '',
    });
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('工作日历', 'Working-day calendar')}</Typography.Title>
      <Typography.Paragraph>
        {t(
          '“休”为休息日（节假日），“班”为调休上班日。点击某日可手动调整或恢复。',
          '“Off” marks a rest day (holiday), “Work” a make-up working day (调休). Click a day to override it or undo that.',
        )}
      </Typography.Paragraph>
      {days.isError ? <ProblemAlert error={days.error} /> : null}
      <Spin spinning={days.isFetching}>
        <Calendar
          value={month}
          onPanelChange={(value) => setMonth(value.startOf('month'))}
          onSelect={(date, info) => {
            if (info.source === 'date') open(date);
            else setMonth(date.startOf('month'));
          }}
          fullCellRender={(date, info) =>
            info.type === 'date' ? (
              // Ant Design's own cell, but with the days of the months either side in a grey dark enough to read.
              <div className="ant-picker-cell-inner ant-picker-calendar-date">
                <div
                  className="ant-picker-calendar-date-value"
                  style={date.isSame(month, 'month') ? undefined : { color: 'rgba(0, 0, 0, 0.6)' }}
                >
                  {date.date()}
                </div>
                <div className="ant-picker-calendar-date-content">{mark(byDate.get(date.format('YYYY-MM-DD')))}</div>
              </div>
            ) : (
              info.originNode
            )
          }
          headerRender={({ value, onChange }) => (
            <Space style={{ padding: 8 }}>
              <Button aria-label={t('上个月', 'Previous month')} onClick={() => onChange(value.subtract(1, 'month'))}>
                ‹
              </Button>
              <Typography.Text strong aria-live="polite">
                {value.format(lang === 'zh' ? 'YYYY 年 M 月' : 'MMMM YYYY')}
              </Typography.Text>
              <Button aria-label={t('下个月', 'Next month')} onClick={() => onChange(value.add(1, 'month'))}>
                ›
              </Button>
            </Space>
          )}
        />
      </Spin>
      <Modal
        open={!!editing}
        title={editing ? t(`调整 ${editing.date}`, `Override ${editing.date}`) : t('调整日期', 'Override a day')}
        onCancel={() => setEditing(null)}
        footer={null}
        forceRender
      >
        {editing ? (
          <Alert
            type="info"
            style={{ marginBottom: 12 }}
            message={`${t('现为', 'Now')}: ${nameOf(DAY_KINDS, editing.kind, lang)}${editing.name ? ` · ${editing.name}` : ''} (${nameOf(DAY_SOURCES, editing.source, lang)})`}
          />
        ) : null}
        <Form form={form} layout="vertical" onFinish={(v) => editing && put.mutate({ date: editing.date, ...v })}>
          <Form.Item name="kind" label={t('调整为', 'Make it')} rules={[{ required: true }]}>
            <Radio.Group
              options={[
                { value: 'holiday', label: t('休息日（休）', 'A rest day (Off)') },
                { value: 'workday', label: t('调休上班日（班）', 'A working day (Work, 调休)') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('名称', 'Name')}
            rules={[{ required: true, whitespace: true, max: 100, message: t('请填写名称', 'Enter a name') }]}
          >
            <Input placeholder={t('如：国庆节调休', 'e.g. National Day make-up')} />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={put.isPending}>
              {t('保存', 'Save')}
            </Button>
            {editing?.source === 'override' ? (
              <Button danger loading={remove.isPending} onClick={() => remove.mutate(editing.date)}>
                {t('取消调整', 'Remove the override')}
              </Button>
            ) : null}
            <Button onClick={() => setEditing(null)}>{t('关闭', 'Close')}</Button>
          </Space>
        </Form>
      </Modal>
    </Space>
  );
}
