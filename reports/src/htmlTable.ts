/** An HTML table; header and cells must already be escaped HTML. A cell may be {html, num} to right-align numbers. */
export type Cell = string | { html: string; num?: boolean; className?: string };

export function htmlTable(header: string[], rows: Cell[][]): string {
  const cell = (c: Cell) =>
    typeof c === 'string' ? `<td>${c}</td>` : `<td class="${[c.num ? 'num' : '', c.className ?? ''].join(' ').trim()}">${c.html}</td>`;
  return `<table><thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
