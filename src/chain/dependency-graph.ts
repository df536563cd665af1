/**
 * The dependency graph between subtasks: edges from template references plus
 * explicit `depends_on`. Pure: callers supply the references.
 */

export interface DependencySource {
  number: number;
  /** Subtask numbers this subtask depends on (references and depends_on). */
  dependsOn: number[];
}

export interface DependencyGraph {
  /** subtask → the subtasks it waits for, sorted. */
  dependencies: Map<number, number[]>;
  /** A topological order (ties broken by subtask number); empty when there is a cycle. */
  order: number[];
  /** Each cycle as the list of subtasks on it, first repeated at the end. */
  cycles: number[][];
}

export function buildDependencyGraph(sources: DependencySource[]): DependencyGraph {
  const known = new Set(sources.map((source) => source.number));
  const dependencies = new Map<number, number[]>();
  for (const source of sources) {
    const unique = [...new Set(source.dependsOn)].filter(
      (n) => known.has(n) && n !== source.number,
    );
    dependencies.set(
      source.number,
      unique.sort((a, b) => a - b),
    );
  }
  const cycles = findCycles(dependencies);
  return { dependencies, order: cycles.length > 0 ? [] : topologicalOrder(dependencies), cycles };
}

function topologicalOrder(dependencies: Map<number, number[]>): number[] {
  const order: number[] = [];
  const done = new Set<number>();
  const remaining = [...dependencies.keys()].sort((a, b) => a - b);
  while (order.length < remaining.length) {
    const next = remaining.find(
      (n) => !done.has(n) && (dependencies.get(n) ?? []).every((d) => done.has(d)),
    );
    if (next === undefined) break;
    done.add(next);
    order.push(next);
  }
  return order;
}

function findCycles(dependencies: Map<number, number[]>): number[][] {
  const cycles: number[][] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const stack: number[] = [];
  const walk = (node: number): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of dependencies.get(node) ?? []) {
      if (state.get(next) === 'visiting') {
        addCycle(cycles, stack.slice(stack.indexOf(next)));
      } else if (!state.has(next)) {
        walk(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...dependencies.keys()].sort((a, b) => a - b)) {
    if (!state.has(node)) walk(node);
  }
  return cycles;
}

/** Each cycle once, rotated to start at its lowest subtask: `2 → 3 → 2`, never also `3 → 2 → 3`. */
function addCycle(cycles: number[][], members: number[]): void {
  const start = members.indexOf(Math.min(...members));
  const rotated = [...members.slice(start), ...members.slice(0, start)];
  const cycle = [...rotated, rotated[0] as number];
  if (!cycles.some((known) => known.join() === cycle.join())) cycles.push(cycle);
}
