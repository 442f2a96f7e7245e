/** One line on a chart: y values against x seconds. */
export interface LineSpec {
  label: string;
  x: number[];
  y: (number | null)[];
  color: string;
  dashed?: boolean;
  /** Which y axis: the left one (default) or the right one. */
  axis?: 'left' | 'right';
}

/** A shaded, labelled time window (a fault) in seconds. `to` null means until the end of the chart. */
export interface WindowSpec {
  from: number;
  to: number | null;
  label: string;
  color: string;
}

/** A chart as data, drawn in the page by browser/charts.js. */
export interface ChartSpec {
  id: string;
  title: string;
  yLabel: string;
  rightLabel?: string;
  lines: LineSpec[];
  windows: WindowSpec[];
}
