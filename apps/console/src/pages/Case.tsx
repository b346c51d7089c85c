import { Alert, Card, Flex, Spin, Typography } from 'antd';
import { lazy, useMemo } from 'react';
import { useParams } from 'react-router';
import { ApiProblem } from '../api/client';
import { useCase, useHistory, useVerify } from '../case/api';
import { CaseHeader } from '../case/CaseHeader';
import { Deadlines } from '../case/Deadlines';
import { EventActions } from '../case/EventActions';
import { Parties } from '../case/Parties';
import { Referrals } from '../case/Referrals';
import { Timeline } from '../case/Timeline';
import { Deferred } from '../idle';
import { useI18n } from '../i18n';
import { KINDS, nameOf } from '../labels';
import { hasRole, useMe } from '../session';

/**
 * The machine diagram brings React Flow, and ELK in a worker: it is drawn once the rest of the page is up and
 * the browser idle, so the header and the actions never wait for it.
 */
const MachineDiagram = lazy(() => import('../case/MachineDiagram').then((m) => ({ default: m.MachineDiagram })));

/**
 * The case: where it stands and who works it, its machine, what can be done now (forms generated from the
 * payload schemas), its clocks, referrals, parties and every event of its chain.
 */
export function CasePage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const me = useMe().data;
  const view = useCase(id);
  const history = useHistory(id);
  const auditing = hasRole(me, 'auditor', 'admin');
  const verify = useVerify(id, auditing && !!view.data, view.data?.version);

  const entries = useMemo(() => history.data?.pages.flatMap((p) => p.items) ?? [], [history.data]);
  /** Names the API gave: the reader's own, and every actor of the case's events. */
  const people = useMemo(() => {
    const out = new Map<string, string>();
    for (const e of entries) if (e.actor?.id && e.actor.name) out.set(e.actor.id, e.actor.name);
    if (me) out.set(me.id, me.name);
    return out;
  }, [entries, me]);
  const visited = useMemo(() => [...new Set(entries.map((e) => e.state!))], [entries]);
  const taken = useMemo(
    () =>
      entries
        .slice(1)
        .map((e, i) => [entries[i]!.state!, e.type!, e.state!] as [string, string, string])
        .filter(([from, , to]) => from !== to),
    [entries],
  );

  if (view.isPending) return <Spin tip={t('加载中', 'Loading')} fullscreen />;
  if (view.isError) {
    const status = view.error instanceof ApiProblem ? view.error.status : 0;
    return (
      <>
        <Typography.Title level={1}>{t('案件', 'The case')}</Typography.Title>
        <Alert
          type="error"
          showIcon
          title={
            status === 404
              ? t('找不到此案件，或您无权查看。', 'No such case, or it is not yours to see.')
              : t('无法读取案件。', 'The case could not be read.')
          }
          description={view.error.message}
        />
      </>
    );
  }
  const c = view.data;
  const section = (title: string, children: React.ReactNode, extra?: React.ReactNode) => (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {title}
        </Typography.Title>
      }
      extra={extra}
    >
      {children}
    </Card>
  );
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={1} style={{ marginBottom: 0 }}>
        {nameOf(KINDS, c.kind, lang)} {c.reference}
      </Typography.Title>
      <CaseHeader view={c} people={people} />
      {section(t('操作', 'Actions'), me ? <EventActions view={c} me={me} /> : null)}
      {section(
        t('流程图', 'Machine'),
        <Deferred fallback={<Spin tip={t('正在载入流程图', 'Loading the diagram')}>{null}</Spin>}>
          <MachineDiagram
            kind={c.kind!}
            version={c.machineVersion!}
            current={c.state!}
            visited={visited}
            taken={taken}
          />
        </Deferred>,
      )}
      {section(t('期限', 'Deadlines'), <Deadlines deadlines={c.deadlines ?? []} />)}
      {section(t('交办', 'Referrals'), <Referrals referrals={c.referrals ?? []} />)}
      {section(t('当事人', 'Parties'), <Parties caseId={c.id!} parties={c.parties ?? []} mayUnmask={auditing} />)}
      {section(t('时间线', 'Timeline'), <Timeline history={history} verify={auditing ? verify : undefined} />)}
    </Flex>
  );
}
