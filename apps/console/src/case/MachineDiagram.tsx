import { Card, Typography } from 'antd';
import type { JSX } from 'react';

export interface MachineDiagramProps {
  kind: 'dispute' | 'petition' | 'referral';
  version: number;
  current: string;
  visited: string[];
  taken?: Array<[string, string, string]>;
}

/** A stand-in for the state diagram: the machine, the current state and the states visited, as text. */
export function MachineDiagram(props: MachineDiagramProps): JSX.Element {
  return (
    <Card size="small" title={`${props.kind} v${props.version}`}>
      <Typography.Paragraph>current: {props.current}</Typography.Paragraph>
      <Typography.Paragraph>visited: {props.visited.join(' → ')}</Typography.Paragraph>
    </Card>
  );
}
