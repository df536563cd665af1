import { describe, expect, it } from 'vitest';
import { renderReportMarkdown } from '../../src/index.js';

/** The lines of one `## Heading` section, up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading} in:\n${markdown}`);
  const body = markdown.slice(start + heading.length + 5);
  const next = body.search(/\n## /);
  return (next < 0 ? body : body.slice(0, next)).trim();
}

describe('renderReportMarkdown', () => {
  it('titles the report and states severity, rationale and status', () => {
    const markdown = renderReportMarkdown({
      incident_id: 'INC-42',
      title: 'Checkout latency',
      severity: { level: 'SEV-2', rationale: '12% of checkouts slow' },
      status: 'resolved',
    });
    expect(markdown.startsWith('# Checkout latency (INC-42)\n\n')).toBe(true);
    expect(markdown).toContain('**Severity:** SEV-2 — 12% of checkouts slow');
    expect(markdown).toContain('**Status:** resolved');
  });

  it('says so for every missing section', () => {
    const markdown = renderReportMarkdown({});
    expect(markdown.startsWith('# Incident report\n')).toBe(true);
    expect(markdown).toContain('**Severity:** unknown');
    expect(section(markdown, 'Summary')).toBe('_No summary._');
    expect(section(markdown, 'Impact')).toBe('_Not assessed._');
    expect(section(markdown, 'Timeline')).toBe('_None recorded._');
    expect(section(markdown, 'Root cause')).toMatch(/^_Not determined._/);
    expect(section(markdown, 'Actions')).toBe('_None recorded._');
    expect(section(markdown, 'Recovery validation')).toBe('_None recorded._');
    expect(markdown).not.toContain('## Post-mortem');
  });

  it('escapes pipes and flattens newlines in table cells', () => {
    const markdown = renderReportMarkdown({
      timeline: [
        { time: '14:02', event: 'p99 > 4s | error rate 3%', source: 'grafana\nalert' },
        'bare entry',
      ],
    });
    const rows = section(markdown, 'Timeline').split('\n');
    expect(rows).toEqual([
      '| Time (UTC) | Event | Source |',
      '| --- | --- | --- |',
      '| 14:02 | p99 > 4s \\| error rate 3% | grafana alert |',
      '| bare entry |  |  |',
    ]);
  });

  it('renders actions with every column, booleans included', () => {
    const markdown = renderReportMarkdown({
      actions: [{ action: 'Roll back', kind: 'mitigation', owner: 'sre', requires_approval: true }],
    });
    expect(section(markdown, 'Actions').split('\n')[2]).toBe(
      '| Roll back | mitigation | sre |  | true |',
    );
  });

  it('numbers the five whys and lists contributing factors', () => {
    const markdown = renderReportMarkdown({
      root_cause: {
        primary: 'Pool too small',
        five_whys: [{ why: 'Why slow?', answer: 'Pool waits.' }, 'Why small?'],
        contributing_factors: ['No load test'],
      },
    });
    const rootCause = section(markdown, 'Root cause');
    expect(rootCause).toContain('Pool too small');
    expect(rootCause).toContain('1. **Why slow?** Pool waits.\n2. **Why small?** ');
    expect(rootCause).toContain('### Contributing factors\n\n- No load test');
  });

  it('demotes post-mortem headings two levels and leaves code fences untouched', () => {
    const postmortem = [
      '# Post-mortem: INC-42',
      '## Timeline',
      '```bash',
      '# restart the pool',
      'kubectl rollout restart deploy/checkout',
      '```',
      '````markdown',
      '# a heading shown as an example',
      '```',
      '## still inside the four-backtick fence',
      '````',
      '### Lessons',
      '~~~',
      '## tilde-fenced',
      '~~~',
    ].join('\n');
    const markdown = renderReportMarkdown({ postmortem_markdown: `\n${postmortem}\n\n` });
    const body = markdown.slice(markdown.indexOf('## Post-mortem\n\n') + 16);
    expect(body.split('\n').slice(0, 15)).toEqual([
      '### Post-mortem: INC-42',
      '#### Timeline',
      '```bash',
      '# restart the pool',
      'kubectl rollout restart deploy/checkout',
      '```',
      '````markdown',
      '# a heading shown as an example',
      '```',
      '## still inside the four-backtick fence',
      '````',
      '##### Lessons',
      '~~~',
      '## tilde-fenced',
      '~~~',
    ]);
  });

  it('still shows keys it does not know: strings as text, other values as JSON', () => {
    const markdown = renderReportMarkdown({
      customer_comms: 'Status page updated at 14:10.',
      error_budget: { remaining_percent: 41 },
    });
    expect(section(markdown, 'customer comms')).toBe('Status page updated at 14:10.');
    expect(section(markdown, 'error budget')).toBe('```json\n{\n  "remaining_percent": 41\n}\n```');
  });

  it('ends with the run facts from the `run` key, not as a section of its own', () => {
    const markdown = renderReportMarkdown({
      run: {
        id: 'run-7',
        chain: { id: 'incident-response' },
        status: 'succeeded',
        duration_ms: 1234,
        usage: { input_tokens: 400, output_tokens: 80 },
      },
    });
    expect(markdown).not.toContain('## run');
    expect(markdown.trimEnd().split('\n').at(-1)).toBe(
      '_run `run-7` · chain `incident-response` · status succeeded · 1234 ms · 400 input / 80 output tokens_',
    );
  });
});

describe('post-mortem fences', () => {
  it('keep headings inside a code block whose closing line is bare, even after an info-string line', () => {
    const markdown = renderReportMarkdown({
      postmortem_markdown:
        '# PM\n```yaml\n# not a heading\n```python\n# still code\n```\n# Heading',
    });
    expect(markdown).toContain('\n# not a heading\n');
    expect(markdown).toContain('\n# still code\n');
    expect(markdown).toContain('\n### Heading');
  });
});
