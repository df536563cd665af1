/**
 * One severity scale for chains, routes and inputs: SEV-1..SEV-4 and P0..P3 (P0 is
 * SEV-1). The routes pick a chain by it; an incident that states something that is
 * not a severity is refused rather than sent down the default route.
 */
import { describe, expect, it } from 'vitest';
import { normalizeSeverity, routeIncident, severityRoutesSchema } from '../src/severity.js';

const routes = severityRoutesSchema.parse({
  chains: { 'SEV-1': 'incident-response', P3: 'ticket-summary' },
  default: 'incident-response',
});

describe('severity', () => {
  it('reads SEV-n and Pn the ways teams write them', () => {
    expect(['SEV-1', 'sev1', 'Sev 2', 'SEV_3', 'P0', 'p3'].map(normalizeSeverity)).toEqual([
      'SEV-1',
      'SEV-1',
      'SEV-2',
      'SEV-3',
      'SEV-1',
      'SEV-4',
    ]);
    expect(['SEV-0', 'SEV-5', 'P4', 'critical', '', 1].map(normalizeSeverity)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('routes by severity, P0..P3 included, and takes the default for what no route names', () => {
    expect(routeIncident(routes, { severity: 'P0' }, 'a.json')).toEqual({
      chain: 'incident-response',
      severity: 'SEV-1',
    });
    expect(routeIncident(routes, { severity: 'SEV-4' }, 'b.json').chain).toBe('ticket-summary');
    expect(routeIncident(routes, { severity: 'SEV-2' }, 'c.json')).toEqual({
      chain: 'incident-response',
      severity: 'SEV-2',
    });
    expect(routeIncident(routes, {}, 'd.json')).toEqual({ chain: 'incident-response' });
  });

  it('refuses a severity it cannot read, even with a default route, naming the file', () => {
    expect(() => routeIncident(routes, { severity: 'critical' }, 'e.json')).toThrow(
      'the incident has "severity": "critical", not a severity (SEV-1..SEV-4 or P0..P3)',
    );
  });

  it('refuses routes that name one level twice', () => {
    const parsed = severityRoutesSchema.safeParse({
      chains: { 'SEV-1': 'incident-response', P0: 'war-room' },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('P0 is SEV-1, which SEV-1 already routes');
  });
});
