/// <reference types="vite/client" />
import { useQuery } from '@tanstack/react-query';
import {
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './MachineDiagram.css';
import { Alert, Spin, Typography } from 'antd';
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api.js';
import elkWorker from 'elkjs/lib/elk-worker.min.js?url';
import { useMemo, type JSX } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useI18n, type Lang } from '../i18n';
import { nameOf, STAGES, stateName, STATES } from '../labels';

export interface MachineDiagramProps {
  kind: 'dispute' | 'petition' | 'referral';
  version: number;
  /** The current state path, e.g. 'mediation.in_session'. */
  current: string;
  /** The states visited so far, oldest first (state paths, from the case's history `to` states). */
  visited: string[];
  /** Transitions taken so far as [fromState, event, toState], highlighted on the edges. */
  taken?: Array<[string, string, string]>;
}

type Machine = Schemas['Machine'];
type MachineState = Schemas['MachineState'];

// ---------------------------------------------------------------------------------------------------------------
// The graph: the machine's states as nodes (stages as parents of their states), its transitions that move the
// machine as edges (one per source and target, naming every event that takes it), and the events a state takes
// without moving (recorded, or acting in place, e.g. EXTEND_DEADLINE) as a list on the state instead of loops.
// ---------------------------------------------------------------------------------------------------------------

interface GraphEdge {
  id: string;
  source: string;
  target: string;
  events: string[];
  /** The compound state (or '' for the top level) that holds both ends: where ELK lays the edge out. */
  container: string;
}

interface Graph {
  states: MachineState[];
  byPath: Map<string, MachineState>;
  edges: GraphEdge[];
  /** Events that leave the machine where it is, by the state declaring them ('' for the machine itself). */
  stays: Map<string, string[]>;
  /** Transitions declared on the machine itself that move it: they apply in every state. */
  anywhere: Array<{ event: string; targets: string[] }>;
}

const parentOf = (path: string) => {
  const i = path.lastIndexOf('.');
  return i < 0 ? '' : path.slice(0, i);
};
const within = (path: string, scope: string) => scope === '' || path === scope || path.startsWith(`${scope}.`);

/** The deepest compound state strictly containing both ends (the machine-page generator's rule for Mermaid). */
function containerOf(source: string, target: string): string {
  let scope = parentOf(source);
  while (scope !== '' && !(within(target, scope) && target !== scope && source !== scope)) scope = parentOf(scope);
  return scope;
}

function graphOf(machine: Machine): Graph {
  const byPath = new Map(machine.states.map((s) => [s.path, s]));
  const stays = new Map<string, string[]>();
  const edges = new Map<string, GraphEdge>();
  const anywhere: Graph['anywhere'] = [];
  const add = <T,>(list: T[], item: T) => {
    if (!list.includes(item)) list.push(item);
  };
  for (const t of machine.transitions) {
    if (t.targets.every((target) => target === t.source)) {
      if (!stays.has(t.source)) stays.set(t.source, []);
      add(stays.get(t.source)!, t.event);
      continue;
    }
    if (t.source === '') {
      anywhere.push({ event: t.event, targets: t.targets });
      continue;
    }
    for (const target of t.targets) {
      const id = `${t.source}->${target}`;
      if (!edges.has(id))
        edges.set(id, { id, source: t.source, target, events: [], container: containerOf(t.source, target) });
      add(edges.get(id)!.events, t.event);
    }
  }
  return { states: machine.states, byPath, edges: [...edges.values()], stays, anywhere };
}

// ---------------------------------------------------------------------------------------------------------------
// The layout: ELK's layered algorithm, left to right, stages as parent nodes, in a web worker: ELK is 1.4 MB of
// compiled Java whose loading and layout would hold the page's thread for a few hundred milliseconds. The worker
// is a hashed asset of this origin (the Content-Security-Policy's worker-src 'self'). Sizes are estimated from the
// text each node and label carries, in monospace for the event codes, so the layout depends on the machine only,
// not on the case.
// ---------------------------------------------------------------------------------------------------------------

const NODE_WIDTH = 196;
const CODE_CHAR = 6.2; // px per character of a 10 px monospace code
const STAY_LINE = 14;
const LABEL_LINE = 13;

/** Lines the list of event codes wraps into within `width`. */
function wrappedLines(codes: string[], width: number): number {
  const perLine = Math.floor(width / CODE_CHAR);
  let lines = 0;
  let used = perLine;
  for (const code of codes) {
    const need = code.length + 2;
    if (used + need > perLine) {
      lines += 1;
      used = need + 2; // the "↻ " that starts the list, or nothing: a little slack either way
    } else used += need;
  }
  return lines;
}

function atomicHeight(state: MachineState, stays: string[]): number {
  // Title, the mark line (当前 / ✓), the clock, the events taken in place.
  return 16 + 20 + 18 + (state.clock ? 16 : 0) + wrappedLines(stays, NODE_WIDTH - 20) * STAY_LINE;
}

/** The head of a stage: its name, its clock, and how many events it takes in place. */
const stageHeader = (stage: MachineState, stays: string[]) => 30 + (stage.clock ? 15 : 0) + (stays.length ? 15 : 0);

interface Layout {
  /** Position relative to its parent (the stage, or the diagram), and size. */
  nodes: Map<string, { x: number; y: number; width: number; height: number }>;
  /** Edge routes in the diagram's coordinates: points of the polyline, and where its label goes. */
  edges: Map<string, { points: Array<{ x: number; y: number }>; label: { x: number; y: number } | null }>;
}

const elk = new ELK({ workerUrl: elkWorker });

/** The child of `container` (a compound state, or '' for the machine) that holds `path`. */
function childOf(container: string, path: string): string {
  let node = path;
  while (parentOf(node) !== container) node = parentOf(node);
  return node;
}

/** Keeps the states in the order the machine declares them, and breaks its cycles against that order. */
const ORDERED = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  'elk.spacing.nodeNode': '24',
  'elk.spacing.edgeLabel': '4',
};

/**
 * Each stage is laid out on its own, then the stages beside each other. An edge between states of one stage (or of
 * the machine's top level) is routed by ELK with its label; an edge into or out of another stage counts for the
 * layout as an edge between the stages that hold its ends, and is drawn as a curve between its own ends.
 */
async function layOut(graph: Graph): Promise<Layout> {
  const edgesIn = (container: string): ElkExtendedEdge[] => {
    const between = new Set<string>();
    const out: ElkExtendedEdge[] = [];
    for (const e of graph.edges.filter((edge) => edge.container === container)) {
      const source = childOf(container, e.source);
      const target = childOf(container, e.target);
      if (source === e.source && target === e.target) {
        out.push({
          id: `edge:${e.id}`,
          sources: [source],
          targets: [target],
          labels: [
            {
              text: e.events.join('\n'),
              width: Math.max(...e.events.map((ev) => ev.length + 2)) * CODE_CHAR + 10,
              height: e.events.length * LABEL_LINE + 6,
            },
          ],
        });
      } else if (source !== target && !between.has(`${source}>${target}`)) {
        between.add(`${source}>${target}`);
        out.push({ id: `between:${source}>${target}`, sources: [source], targets: [target] });
      }
    }
    return out;
  };
  const childrenOf = (parent: string): ElkNode[] =>
    graph.states
      .filter((s) => parentOf(s.path) === parent)
      .map((s) =>
        s.type === 'compound'
          ? {
              id: s.path,
              layoutOptions: {
                ...ORDERED,
                'elk.padding': `[top=${stageHeader(s, graph.stays.get(s.path) ?? [])},left=14,bottom=14,right=14]`,
                'elk.nodeSize.minimum': `(${NODE_WIDTH}, 60)`,
                'elk.nodeSize.constraints': 'MINIMUM_SIZE',
              },
              children: childrenOf(s.path),
              edges: edgesIn(s.path),
            }
          : { id: s.path, width: NODE_WIDTH, height: atomicHeight(s, graph.stays.get(s.path) ?? []) },
      );
  const root: ElkNode = {
    id: '(machine)',
    layoutOptions: { ...ORDERED, 'elk.json.edgeCoords': 'ROOT', 'elk.layered.spacing.nodeNodeBetweenLayers': '64' },
    children: childrenOf(''),
    edges: edgesIn(''),
  };
  const laid = await elk.layout(root);
  const nodes: Layout['nodes'] = new Map();
  const edges: Layout['edges'] = new Map();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      nodes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
      visit(child);
    }
    for (const edge of node.edges ?? []) {
      const section = edge.sections?.[0];
      if (!section || !edge.id.startsWith('edge:')) continue;
      const label = edge.labels?.[0];
      edges.set(edge.id.slice('edge:'.length), {
        points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint],
        label: label?.x !== undefined && label.y !== undefined ? { x: label.x, y: label.y } : null,
      });
    }
  };
  visit(laid);
  return { nodes, edges };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering with @xyflow/react. Nothing is told by colour alone: the current state says 当前 / current, a visited
// one carries ✓ and the word, a taken transition is drawn thick with ✓ before its events.
// ---------------------------------------------------------------------------------------------------------------

interface StateData extends Record<string, unknown> {
  title: string;
  clock: string | null;
  stays: string[];
  stayTaken: string[];
  current: boolean;
  visited: boolean;
  final: boolean;
  currentText: string;
  visitedText: string;
}

interface StageData extends Record<string, unknown> {
  title: string;
  clock: string | null;
  stays: number;
  holdsCurrent: boolean;
  visited: boolean;
  visitedText: string;
  staysText: string;
}

interface RouteData extends Record<string, unknown> {
  points: Array<{ x: number; y: number }>;
  label: { x: number; y: number } | null;
  events: string[];
  taken: boolean;
}

const INK = 'rgba(0, 0, 0, 0.88)';
const PRIMARY = '#1d5fbf';
const hiddenHandle = { opacity: 0, pointerEvents: 'none' as const, border: 0, width: 1, height: 1, minWidth: 0 };

function StateNode({ data }: NodeProps<Node<StateData, 'state'>>) {
  const current = data.current;
  return (
    <div
      style={{
        width: NODE_WIDTH,
        height: '100%',
        boxSizing: 'border-box',
        padding: '7px 9px',
        borderRadius: data.final ? 14 : 6,
        border: current ? `3px solid ${PRIMARY}` : data.visited ? `2px solid ${PRIMARY}` : '1px solid #8c8c8c',
        outline: data.final ? '1px solid #8c8c8c' : undefined,
        outlineOffset: data.final ? 2 : undefined,
        background: current ? PRIMARY : data.visited ? '#e8f0fc' : '#fff',
        color: current ? '#fff' : INK,
        fontSize: 13,
        lineHeight: '18px',
      }}
    >
      <Handle type="target" position={Position.Left} style={hiddenHandle} isConnectable={false} />
      <div style={{ fontWeight: 600 }}>{data.title}</div>
      <div style={{ fontSize: 12, minHeight: 18 }}>
        {current ? `● ${data.currentText}` : data.visited ? `✓ ${data.visitedText}` : ''}
      </div>
      {data.clock && <div style={{ fontSize: 12 }}>{data.clock}</div>}
      {data.stays.length > 0 && (
        <div style={{ fontFamily: 'monospace', fontSize: 10, lineHeight: `${STAY_LINE}px`, wordBreak: 'break-word' }}>
          ↻{' '}
          {data.stays.map((event, i) => (
            <span key={event} style={{ fontWeight: data.stayTaken.includes(event) ? 700 : 400 }}>
              {data.stayTaken.includes(event) ? `✓${event}` : event}
              {i < data.stays.length - 1 ? ', ' : ''}
            </span>
          ))}
        </div>
      )}
      <Handle type="source" position={Position.Right} style={hiddenHandle} isConnectable={false} />
    </div>
  );
}

function StageNode({ data }: NodeProps<Node<StageData, 'stage'>>) {
  return (
    <div
      style={{
        width: '100%',
        height: '100%',
        boxSizing: 'border-box',
        padding: '6px 12px',
        borderRadius: 8,
        border: data.holdsCurrent ? `2px dashed ${PRIMARY}` : '1px dashed #8c8c8c',
        background: 'rgba(240, 244, 250, 0.6)',
        color: INK,
      }}
    >
      <Handle type="target" position={Position.Left} style={hiddenHandle} isConnectable={false} />
      <div style={{ fontWeight: 600, fontSize: 14, lineHeight: '20px' }}>
        {data.title}
        {data.visited ? <span style={{ fontWeight: 400, fontSize: 12 }}> ✓ {data.visitedText}</span> : null}
      </div>
      {data.clock && <div style={{ fontSize: 11, lineHeight: '15px' }}>{data.clock}</div>}
      {data.stays > 0 && <div style={{ fontSize: 11, lineHeight: '15px' }}>{data.staysText}</div>}
      <Handle type="source" position={Position.Right} style={hiddenHandle} isConnectable={false} />
    </div>
  );
}

function RouteEdge({ id, data, markerEnd }: EdgeProps<Edge<RouteData, 'route'>>) {
  if (!data) return null;
  const path = data.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x} ${p.y}`).join(' ');
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        style={{
          stroke: data.taken ? PRIMARY : '#8c8c8c',
          strokeWidth: data.taken ? 3 : 1.2,
          strokeDasharray: data.taken ? undefined : undefined,
        }}
      />
      {data.label && (
        <EdgeLabelRenderer>
          <div
            style={{
              position: 'absolute',
              transform: `translate(${data.label.x}px, ${data.label.y}px)`,
              fontFamily: 'monospace',
              fontSize: 10,
              lineHeight: `${LABEL_LINE}px`,
              padding: '2px 4px',
              background: 'rgba(255, 255, 255, 0.92)',
              color: data.taken ? '#0b3d8c' : INK,
              fontWeight: data.taken ? 700 : 400,
              whiteSpace: 'pre',
              pointerEvents: 'none',
            }}
          >
            {data.events.map((event) => (data.taken ? `✓${event}` : event)).join('\n')}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const NODE_TYPES = { state: StateNode, stage: StageNode };
const EDGE_TYPES = { route: RouteEdge };

const UNITS: Record<string, [string, string]> = {
  working_days: ['个工作日', 'working days'],
  calendar_days: ['日', 'calendar days'],
  hours: ['小时', 'hours'],
};

function clockText(clock: MachineState['clock'], lang: Lang): string | null {
  if (!clock) return null;
  const unit = UNITS[clock.unit] ?? [clock.unit, clock.unit];
  return lang === 'zh' ? `时限 ${clock.limit} ${unit[0]}` : `Limit ${clock.limit} ${unit[1]}`;
}

/** A state's own name: a stage by its stage name, a state inside a stage by its last segment. */
function ownName(state: MachineState, lang: Lang): string {
  if (state.parent === null && STAGES[state.key]) return nameOf(STAGES, state.key, lang);
  return nameOf(STATES, state.key, lang);
}

/** Which of the graph's edges a taken transition went along: the deepest source that holds its from-state. */
function takenEdges(graph: Graph, taken: Array<[string, string, string]>): Set<string> {
  const out = new Set<string>();
  for (const [from, event, to] of taken) {
    const candidates = graph.edges.filter(
      (e) => e.events.includes(event) && within(from, e.source) && within(to, e.target),
    );
    const deepest = candidates.sort((a, b) => b.source.length - a.source.length || b.target.length - a.target.length);
    if (deepest[0]) out.add(deepest[0].id);
  }
  return out;
}

/**
 * A machine version drawn as a state diagram: its stages and states, the transitions between them labelled with
 * their events, the current state and the path taken so far marked; with a text list of the path for those who
 * do not see the drawing.
 */
export function MachineDiagram(props: MachineDiagramProps): JSX.Element {
  const { kind, version, current, visited, taken = [] } = props;
  const { t, lang } = useI18n();
  const machine = useQuery({
    queryKey: ['machine', kind, version],
    queryFn: () => data(api.GET('/api/v1/machines/{kind}/versions/{version}', { params: { path: { kind, version } } })),
    staleTime: Infinity,
  });
  const graph = useMemo(() => (machine.data ? graphOf(machine.data) : null), [machine.data]);
  const layout = useQuery({
    queryKey: ['machine', kind, version, 'layout'],
    queryFn: () => layOut(graph!),
    enabled: !!graph,
    staleTime: Infinity,
    retry: false,
  });

  const flow = useMemo(() => {
    if (!graph || !layout.data) return null;
    const seen = new Set(visited);
    const takenIds = takenEdges(graph, taken);
    const stayTaken = new Map<string, string[]>();
    for (const [from, event, to] of taken) {
      if (from !== to) continue;
      for (let scope = from; ; scope = parentOf(scope)) {
        if (graph.stays.get(scope)?.includes(event)) {
          stayTaken.set(scope, [...(stayTaken.get(scope) ?? []), event]);
          break;
        }
        if (scope === '') break;
      }
    }
    const nodes: Node[] = graph.states.map((s) => {
      const box = layout.data.nodes.get(s.path) ?? { x: 0, y: 0, width: NODE_WIDTH, height: 60 };
      const parentId = s.parent ?? undefined;
      const isVisited = [...seen].some((v) => within(v, s.path));
      const common = {
        id: s.path,
        position: { x: box.x, y: box.y },
        width: box.width,
        height: box.height,
        parentId,
        draggable: false,
        selectable: false,
        connectable: false,
        // Stages under the edges, the edges under the states (zIndexMode manual).
        zIndex: s.type === 'compound' ? s.path.split('.').length - 1 : 10,
      };
      const name = stateName(s.path, lang);
      if (s.type === 'compound') {
        const stays = graph.stays.get(s.path) ?? [];
        return {
          ...common,
          type: 'stage',
          ariaLabel: `${t('阶段', 'Stage')} ${name}${isVisited ? `，${t('已经过', 'visited')}` : ''}`,
          data: {
            title: ownName(s, lang),
            clock: clockText(s.clock, lang),
            stays: stays.length,
            holdsCurrent: within(current, s.path),
            visited: isVisited,
            visitedText: t('已经过', 'visited'),
            staysText: t(`↻ 本阶段 ${stays.length} 种事件（见下方）`, `↻ ${stays.length} events (below)`),
          } satisfies StageData,
        };
      }
      const isCurrent = s.path === current;
      return {
        ...common,
        type: 'state',
        ariaLabel:
          `${name}` +
          (isCurrent ? `，${t('当前状态', 'current state')}` : isVisited ? `，${t('已经过', 'visited')}` : ''),
        data: {
          title: ownName(s, lang),
          clock: clockText(s.clock, lang),
          stays: graph.stays.get(s.path) ?? [],
          stayTaken: stayTaken.get(s.path) ?? [],
          current: isCurrent,
          visited: isVisited,
          final: s.type === 'final',
          currentText: t('当前', 'current'),
          visitedText: t('已经过', 'visited'),
        } satisfies StateData,
      };
    });
    const edges: Edge[] = graph.edges.map((e) => {
      const route = layout.data.edges.get(e.id);
      const isTaken = takenIds.has(e.id);
      const stroke = isTaken ? PRIMARY : '#8c8c8c';
      const common = {
        id: e.id,
        source: e.source,
        target: e.target,
        focusable: false,
        selectable: false,
        markerEnd: { type: MarkerType.ArrowClosed, color: stroke, width: 16, height: 16 },
      };
      if (route)
        return {
          ...common,
          type: 'route',
          zIndex: isTaken ? 6 : 5,
          data: { points: route.points, label: route.label, events: e.events, taken: isTaken } satisfies RouteData,
        };
      // Between stages: a curve from one state to the other, drawn faint unless the case went along it.
      return {
        ...common,
        type: 'default',
        zIndex: isTaken ? 6 : 4,
        label: e.events.map((event) => (isTaken ? `✓${event}` : event)).join(' / '),
        labelStyle: {
          fontFamily: 'monospace',
          fontSize: 10,
          fill: isTaken ? '#0b3d8c' : INK,
          fontWeight: isTaken ? 700 : 400,
        },
        labelBgStyle: { fill: '#fff', fillOpacity: 0.92 },
        labelBgPadding: [4, 2] as [number, number],
        style: { stroke, strokeWidth: isTaken ? 3 : 1, strokeOpacity: isTaken ? 1 : 0.55 },
      };
    });
    // The first view: the current state and the one before it, at a size one can read; the fit-view control shows
    // the whole machine.
    const focus = {
      nodes: [current, ...visited.slice(-2)].filter((p) => graph.byPath.has(p)).map((id) => ({ id })),
      padding: 0.3,
      minZoom: 0.6,
      maxZoom: 0.9,
    };
    return { nodes, edges, focus };
  }, [graph, layout.data, visited, taken, current, lang, t]);

  if (machine.isError || layout.isError)
    return (
      <Alert
        type="error"
        showIcon
        title={t('无法绘制状态图', 'The state diagram could not be drawn')}
        description={(machine.error ?? layout.error)?.message}
      />
    );

  const path = collapseRepeats(visited);
  const stagesWithStays = graph?.states.filter((s) => s.type === 'compound' && graph.stays.get(s.path)?.length) ?? [];
  const machineStays = graph?.stays.get('') ?? [];
  return (
    <section aria-label={t('状态图', 'State diagram')} style={{ width: '100%' }}>
      <div
        style={{ width: '100%', height: 560, border: '1px solid #d9d9d9', borderRadius: 6, background: '#fafafa' }}
        aria-busy={!flow}
      >
        {flow ? (
          <ReactFlow
            nodes={flow.nodes}
            edges={flow.edges}
            nodeTypes={NODE_TYPES}
            edgeTypes={EDGE_TYPES}
            zIndexMode="manual"
            fitView
            fitViewOptions={flow.focus}
            minZoom={0.1}
            maxZoom={2}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            zoomOnScroll={false}
            preventScrolling={false}
            panOnScroll={false}
            zoomOnDoubleClick
            ariaLabelConfig={{
              'node.a11yDescription.default': t(
                '状态图中的一个状态（只读）。',
                'A state of the machine (the diagram is read-only).',
              ),
              'node.a11yDescription.keyboardDisabled': t(
                '状态图中的一个状态（只读）。',
                'A state of the machine (the diagram is read-only).',
              ),
              'controls.ariaLabel': t('缩放控制', 'Zoom controls'),
              'controls.zoomIn.ariaLabel': t('放大', 'Zoom in'),
              'controls.zoomOut.ariaLabel': t('缩小', 'Zoom out'),
              'controls.fitView.ariaLabel': t('适应窗口', 'Fit view'),
            }}
          >
            <Controls showInteractive={false} fitViewOptions={{ padding: 0.04 }} />
          </ReactFlow>
        ) : (
          <div style={{ display: 'flex', height: '100%', alignItems: 'center', justifyContent: 'center' }}>
            <Spin tip={t('正在绘制状态图', 'Drawing the state diagram')}>
              <div style={{ width: 120, height: 60 }} />
            </Spin>
          </div>
        )}
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 4, fontSize: 12 }}>
        {t(
          `机器版本 ${version}。● 当前状态；✓ 已经过的状态和已走过的转换（粗线）；↻ 在该状态下办理而不改变状态的事件。`,
          `Machine version ${version}. ● the current state; ✓ states visited and transitions taken (thick lines); ↻ events a state takes without leaving it.`,
        )}
      </Typography.Paragraph>
      <details>
        <summary>
          {t('路径', 'Path taken')} ({path.length})
        </summary>
        <ol aria-label={t('已经过的状态（按时间先后）', 'States visited, oldest first')} style={{ marginTop: 6 }}>
          {path.map((step, i) => (
            <li key={`${i}-${step}`}>
              {stateName(step, lang)}
              {i === path.length - 1 && step === current ? ` — ${t('当前', 'current')}` : ''}
            </li>
          ))}
        </ol>
      </details>
      {(stagesWithStays.length > 0 || machineStays.length > 0 || (graph?.anywhere.length ?? 0) > 0) && (
        <details>
          <summary>{t('不改变状态的事件', 'Events that keep the state')}</summary>
          <ul style={{ marginTop: 6 }}>
            {machineStays.length > 0 && (
              <li>
                {t('任何状态', 'Any state')}: <code>{machineStays.join(', ')}</code>
              </li>
            )}
            {stagesWithStays.map((s) => (
              <li key={s.path}>
                {t('阶段', 'Stage')} {stateName(s.path, lang)}:{' '}
                <code style={{ wordBreak: 'break-word' }}>{graph!.stays.get(s.path)!.join(', ')}</code>
              </li>
            ))}
            {graph?.anywhere.map((a) => (
              <li key={`${a.event}->${a.targets.join()}`}>
                {t('任何状态', 'Any state')}: <code>{a.event}</code> →{' '}
                {a.targets.map((p) => stateName(p, lang)).join(', ')}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** The path as a person reads it: a state entered again right after itself (an event in place) is said once. */
function collapseRepeats(visited: string[]): string[] {
  return visited.filter((state, i) => i === 0 || visited[i - 1] !== state);
}
