/** Number formats shared by the HTML pages and the terminal table; null shows as "–". */
export const formatFigure = {
  count: (v: number | null | undefined) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US')),
  rate: (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(v >= 100 ? 0 : 1)),
  ms: (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(v >= 100 ? 0 : 1)} ms`),
  seconds: (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(1)} s`),
  percent: (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)}%`),
  time: (ms: number | null | undefined) => (ms === null || ms === undefined ? '–' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
};
