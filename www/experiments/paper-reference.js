// Owns the published figures drawn faintly behind a sweep: a preset that reproduces a paper
// (presets/experiments.json `paper`: citation, what the numbers are, whether they are exact, how
// our run differs, and the numbers as data) gives the chart its reference points when the sweep
// shown is that preset's (same knob, same dataset) and the chart shows the preset's metric.

/**
 * The reference lines to draw for `paper` over a sweep `spec` at `metric`: [{label, series,
 * points: [[x, y], ...], line}] with the points inside the sweep's range of values; [] when the
 * paper does not apply (another knob, another dataset, another metric, categorical values).
 */
export function referenceLines(paper, preset, spec, metric) {
  // The paper's numbers are in the preset's own metric (error for all three).
  if (!paper || !preset || !spec || metric !== preset.metric) return [];
  if (spec.knob !== preset.spec.knob || (spec.config?.dataset ?? null) !== (preset.spec.config?.dataset ?? null)) return [];
  const xs = spec.values.filter((v) => typeof v === 'number');
  if (xs.length !== spec.values.length || xs.length === 0) return [];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return paper.lines
    .map((l) => ({ ...l, points: l.points.filter(([x, y]) => x >= lo && x <= hi && Number.isFinite(y)) }))
    .filter((l) => l.points.length > 0);
}

/** The preset's citation line: "Reference (faint, dotted): Wu & He 2018, Table 2 — ImageNet …; exact values." */
export function citationText(paper) {
  if (!paper) return '';
  return `Drawn faintly behind (dotted): ${paper.cite}, ${paper.figure}: ${paper.what} (${paper.exact ? 'exact values from the paper' : 'approximate'}). ${paper.differs}`;
}

/**
 * Draws the reference lines on the chart's context: hollow squares at the paper's points, joined
 * by a faint dotted line where the paper's points form a curve (`line`), in `colorOf(series)`.
 */
export function drawReference(ctx, lines, xOf, yOf, colorOf) {
  ctx.save();
  ctx.globalAlpha = 0.55;
  ctx.lineWidth = 1.5;
  for (const l of lines) {
    const color = colorOf(l.series ?? null);
    ctx.strokeStyle = color;
    if (l.line !== false && l.points.length > 1) {
      ctx.setLineDash([2, 3]);
      ctx.beginPath();
      l.points.forEach(([x, y], j) => (j ? ctx.lineTo : ctx.moveTo).call(ctx, xOf(x), yOf(y)));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const [x, y] of l.points) ctx.strokeRect(xOf(x) - 3, yOf(y) - 3, 6, 6);
  }
  ctx.restore();
}
