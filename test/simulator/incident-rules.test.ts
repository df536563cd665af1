/**
 * The alert rules and demo configs in fixtures/prometheus/ are valid for the
 * Prometheus on this machine, and the rules fire on the simulator's numbers
 * (`promtool test rules` replays its per-second counters, healthy then exhausted).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const directory = fileURLToPath(new URL('../../fixtures/prometheus/', import.meta.url));

function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: directory, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('fixtures/prometheus', () => {
  it('holds three valid alert rules', () => {
    const result = promtool('check', 'rules', 'incident-rules.yml');
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS: 3 rules found');
  });

  it('holds a valid demo Prometheus config that loads the rules', () => {
    const result = promtool('check', 'config', 'prometheus.yml');
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS: 1 rule files found');
  });

  it('fires all three alerts on exhaustion and none while healthy', () => {
    const result = promtool('test', 'rules', 'incident-rules.test.yml');
    expect(result.status, result.output).toBe(0);
  });
});
