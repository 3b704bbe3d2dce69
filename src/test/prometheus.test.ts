// The test parser of the exposition format rejects what Prometheus rejects, and reads what it reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition, total } from './prometheus.js';

describe('parseExposition', () => {
  it('reads counters, labelled histograms and timestamps', () => {
    const m = parseExposition(
      [
        '# HELP a_total A "counter"\\n with help',
        '# TYPE a_total counter',
        'a_total{x="1",y="q\\"uote\\\\"} 3 1633253812125',
        'a_total{x="2"} 4',
        '# TYPE h histogram',
        'h_bucket{name="a",le="1"} 2',
        'h_bucket{name="a",le="+Inf"} 3',
        'h_sum{name="a"} 4.5',
        'h_count{name="a"} 3',
        'h_bucket{name="b",le="1"} 0',
        'h_bucket{name="b",le="+Inf"} 0',
        'h_sum{name="b"} 0',
        'h_count{name="b"} 0',
        '',
      ].join('\n'),
    );
    const a = m.get('a_total')!;
    assert.equal(a.type, 'counter');
    assert.deepEqual(a.metrics[0], { value: 3, labels: { x: '1', y: 'q"uote\\' }, timestampMs: 1633253812125 });
    assert.equal(total(a), 7);
    const h = m.get('h')!;
    assert.deepEqual(h.metrics.map((s) => [s.labels, s.count, s.sum, s.buckets]), [[{ name: 'a' }, 3, 4.5, { '1': 2, '+Inf': 3 }], [{ name: 'b' }, 0, 0, { '1': 0, '+Inf': 0 }]]);
  });

  it('rejects what Prometheus would not scrape', () => {
    const bad = {
      'malformed line': 'foo{a="1" 3\n',
      'bad metric name': '0foo 1\n',
      'bad escape': 'foo{a="\\x"} 1\n',
      'repeated family': '# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\n# TYPE x gauge\nx 2\n',
      'repeated series': 'x{a="1"} 1\nx{a="1"} 2\n',
      'TYPE after samples': 'x 1\n# TYPE x gauge\n',
      'no +Inf bucket': '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n',
      'decreasing buckets': '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n',
      '+Inf is not the count': '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\nh_sum 1\n',
      'bad value': 'x one\n',
    };
    for (const [what, text] of Object.entries(bad)) assert.throws(() => parseExposition(text), Error, what);
  });
});
