// The paper presets' published numbers and when the chart draws them (www/experiments/paper-reference.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { citationText, referenceLines } from '../../www/experiments/paper-reference.js';

const presets = JSON.parse(readFileSync(new URL('../../presets/experiments.json', import.meta.url), 'utf8'));
const papers = presets.filter((p) => p.paper);

test('three presets reproduce a paper, each with a citation, what differs, and numbers inside its sweep', () => {
  assert.deepEqual(papers.map((p) => p.id), ['double-descent', 'random-labels', 'norm-batch-paper']);
  for (const p of papers) {
    const { cite, figure, what, differs, exact, lines } = p.paper;
    assert.ok(cite && figure && what && differs && typeof exact === 'boolean', p.id);
    const lo = Math.min(...p.spec.values);
    const hi = Math.max(...p.spec.values);
    for (const l of lines) {
      assert.ok(l.points.length > 0 && l.points.every(([x, y]) => x >= lo && x <= hi && y > 0 && y < 1), `${p.id} ${l.label}: points are errors inside the sweep's range`);
      // A line's series is one of the sweep's series values (or none for a sweep without one).
      if (l.series !== null) assert.ok(p.spec.series.values.includes(l.series), `${p.id} ${l.label}`);
    }
    assert.match(citationText(p.paper), new RegExp(`${cite.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }
});

test('the chart draws a paper only over its own sweep and metric', () => {
  const dd = papers.find((p) => p.id === 'double-descent');
  const spec = { ...dd.spec };
  assert.equal(referenceLines(dd.paper, dd, spec, 'error')[0].points.length, dd.paper.lines[0].points.length);
  assert.deepEqual(referenceLines(dd.paper, dd, spec, 'loss'), [], 'another metric');
  assert.deepEqual(referenceLines(dd.paper, dd, { ...spec, knob: 'depth' }, 'error'), [], 'another knob');
  assert.deepEqual(referenceLines(dd.paper, dd, { ...spec, config: { ...spec.config, dataset: 'spiral' } }, 'error'), [], 'another dataset');
  // A narrower sweep keeps the published points inside its values only.
  const narrow = referenceLines(dd.paper, dd, { ...spec, values: [2, 16] }, 'error');
  assert.deepEqual(narrow[0].points.map(([x]) => x), [2, 3, 4, 5, 7, 9, 12, 16]);
  assert.deepEqual(referenceLines(null, dd, spec, 'error'), []);
});
