// Draws every chart of a Flux-Gate report page from the JSON in <script id="chart-data">.
// Runs in the browser with Chart.js (inlined before this script); no network.
(function () {
  // Shades each fault window behind the lines and writes its label at the top.
  const faultShading = {
    id: 'faultShading',
    beforeDatasetsDraw(chart, _args, options) {
      const { ctx, chartArea: area, scales } = chart;
      const x = scales.x;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      (options.windows || []).forEach((w, i) => {
        const left = Math.max(area.left, x.getPixelForValue(w.from));
        const right = Math.min(area.right, w.to === null ? area.right : x.getPixelForValue(w.to));
        if (right < area.left || left > area.right) return;
        ctx.fillStyle = w.color;
        ctx.globalAlpha = 0.15;
        ctx.fillRect(left, area.top, Math.max(2, right - left), area.bottom - area.top);
        ctx.globalAlpha = 0.9;
        ctx.fillRect(left, area.top, 1, area.bottom - area.top);
        ctx.fillText(w.label + (w.to === null ? ' (not healed)' : ''), left + 3, area.top + 3 + (i % 4) * 13);
      });
      ctx.restore();
    },
  };

  const specs = JSON.parse(document.getElementById('chart-data').textContent);
  for (const spec of specs) {
    const canvas = document.getElementById(spec.id);
    if (!canvas) continue;
    const hasRight = spec.lines.some((l) => l.axis === 'right');
    new Chart(canvas, {
      type: 'line',
      data: {
        datasets: spec.lines.map((l) => ({
          label: l.label,
          data: l.x.map((x, i) => ({ x, y: l.y[i] })),
          borderColor: l.color,
          backgroundColor: l.color,
          borderDash: l.dashed ? [6, 4] : [],
          borderWidth: 1.5,
          pointRadius: 0,
          spanGaps: false,
          yAxisID: l.axis === 'right' ? 'y1' : 'y',
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          title: { display: true, text: spec.title },
          faultShading: { windows: spec.windows },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'seconds since start' } },
          y: { beginAtZero: true, title: { display: true, text: spec.yLabel } },
          ...(hasRight
            ? { y1: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: spec.rightLabel || '' } } }
            : {}),
        },
      },
      plugins: [faultShading],
    });
  }
})();
