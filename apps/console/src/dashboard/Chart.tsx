import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only what the dashboard draws, on canvas: no HTML strings, so nothing the Content-Security-Policy forbids.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;
export interface ChartClick {
  name: string;
  dataIndex: number;
  seriesName?: string;
}

/**
 * An ECharts chart. `label` is its text alternative (role="img"); the table beside every chart carries the same
 * figures for those who cannot see it. `onClick` receives the clicked bar or point.
 */
export function Chart({
  option,
  label,
  onClick,
  height = 280,
}: {
  option: ChartOption;
  label: string;
  onClick?: (params: ChartClick) => void;
  height?: number;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const instance = echarts.init(element.current!, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element.current!);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ tooltip: { renderMode: 'richText' }, ...option }, true);
  }, [option]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance || !onClick) return;
    const handler = (params: unknown) => onClick(params as ChartClick);
    instance.on('click', handler);
    return () => {
      instance.off('click', handler);
    };
  }, [onClick]);

  return <div ref={element} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
