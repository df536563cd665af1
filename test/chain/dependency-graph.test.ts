import { describe, expect, it } from 'vitest';
import { buildDependencyGraph } from '../../src/chain/index.js';

describe('buildDependencyGraph', () => {
  it('orders subtasks so each comes after what it depends on, ties by number', () => {
    const graph = buildDependencyGraph([
      { number: 1, dependsOn: [] },
      { number: 2, dependsOn: [3] },
      { number: 3, dependsOn: [1] },
      { number: 4, dependsOn: [1, 1] },
    ]);
    expect(graph.order).toEqual([1, 3, 2, 4]);
    expect(graph.dependencies.get(4)).toEqual([1]);
    expect(graph.cycles).toEqual([]);
  });

  it('reports each cycle once, starting at its lowest subtask', () => {
    const graph = buildDependencyGraph([
      { number: 1, dependsOn: [3] },
      { number: 2, dependsOn: [1, 3] },
      { number: 3, dependsOn: [2] },
    ]);
    expect(graph.cycles).toEqual([
      [1, 3, 2, 1],
      [2, 3, 2],
    ]);
    expect(graph.order).toEqual([]);
  });

  it('ignores self-references and unknown subtasks (pre-flight reports those)', () => {
    const graph = buildDependencyGraph([{ number: 1, dependsOn: [1, 9] }]);
    expect(graph.dependencies.get(1)).toEqual([]);
    expect(graph.order).toEqual([1]);
  });
});
