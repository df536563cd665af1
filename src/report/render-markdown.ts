/**
 * report.md: the incident report for people — summary, severity, impact,
 * timeline, root cause, actions, recovery validation, post-mortem — rendered
 * from report.json. Keys this renderer does not know still appear, as JSON.
 */

type Row = Record<string, unknown>;

const known = new Set([
  'incident_id',
  'title',
  'severity',
  'status',
  'summary',
  'impact',
  'timeline',
  'root_cause',
  'actions',
  'recovery_validation',
  'postmortem_markdown',
  'security_review',
  'paging_summary',
  'details',
  'missing',
  'decisions',
  'run',
]);

function isRecord(value: unknown): value is Row {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) {
    return value.map(text).join('; ');
  }
  return JSON.stringify(value);
}

function cell(value: unknown): string {
  return text(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(rows: unknown, columns: Array<[string, string]>): string[] {
  if (!Array.isArray(rows) || rows.length === 0) return ['_None recorded._'];
  const lines = [
    `| ${columns.map(([, title]) => title).join(' | ')} |`,
    `|${columns.map(() => ' --- |').join('')}`,
  ];
  for (const row of rows) {
    const record = isRecord(row) ? row : { [columns[0]?.[0] ?? 'value']: row };
    lines.push(`| ${columns.map(([key]) => cell(record[key])).join(' | ')} |`);
  }
  return lines;
}

function list(items: unknown): string[] {
  if (!Array.isArray(items) || items.length === 0) return ['_None recorded._'];
  return items.map((item) => `- ${text(item)}`);
}

/** Post-mortem headings move down two levels so they nest under "## Post-mortem". */
function demoteHeadings(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const match = /^\s{0,3}(`{3,}|~{3,})(.*)$/.exec(line);
      const marker = match?.[1];
      if (marker && !fence) fence = marker;
      else if (marker && fence && marker.startsWith(fence) && match?.[2]?.trim() === '')
        fence = undefined;
      if (fence || !/^#{1,4}\s/.test(line)) return line;
      return `##${line}`;
    })
    .join('\n');
}

function severitySection(report: Row): string[] {
  const severity = report.severity;
  const level = isRecord(severity) ? severity.level : severity;
  const rationale = isRecord(severity) ? severity.rationale : undefined;
  const lines = [
    `**Severity:** ${text(level) || 'unknown'}${rationale ? ` — ${text(rationale)}` : ''}  `,
  ];
  if (report.status !== undefined) lines.push(`**Status:** ${text(report.status)}`);
  return lines;
}

function impactSection(impact: unknown): string[] {
  if (!isRecord(impact)) return [text(impact) || '_Not assessed._'];
  return Object.entries(impact).map(
    ([key, value]) => `- **${key.replace(/_/g, ' ')}:** ${text(value)}`,
  );
}

function rootCauseSection(rootCause: unknown): string[] {
  if (!isRecord(rootCause)) return [text(rootCause) || '_Not determined._'];
  const lines = [text(rootCause.primary) || '_Not determined._', '', '### Five whys', ''];
  const whys = Array.isArray(rootCause.five_whys) ? rootCause.five_whys : [];
  whys.forEach((entry, index) => {
    const why: Row = isRecord(entry) ? entry : { why: entry };
    lines.push(`${index + 1}. **${text(why.why)}** ${text(why.answer)}`);
  });
  if (whys.length === 0) lines.push('_None recorded._');
  lines.push('', '### Contributing factors', '', ...list(rootCause.contributing_factors));
  return lines;
}

function runSection(run: unknown): string[] {
  if (!isRecord(run)) return [];
  const usage = isRecord(run.usage) ? run.usage : {};
  const facts = [
    `run \`${text(run.id)}\``,
    `chain \`${text(isRecord(run.chain) ? run.chain.id : run.chain)}\``,
    `status ${text(run.status)}`,
    `${text(run.duration_ms)} ms`,
    `${text(usage.input_tokens)} input / ${text(usage.output_tokens)} output tokens`,
    ...(typeof run.cost_usd === 'number' ? [`$${run.cost_usd.toFixed(4)} at list price`] : []),
  ];
  return ['## Run', '', `_${facts.join(' · ')}_`, '', ...subtaskRows(run.subtasks)];
}

/** Per subtask: model, duration, tokens, cost, retries and the tools it called. */
function subtaskRows(subtasks: unknown): string[] {
  if (!isRecord(subtasks) || Object.keys(subtasks).length === 0) return [];
  const rows = Object.entries(subtasks).map(([number, value]) => {
    const entry = isRecord(value) ? value : {};
    const usage = isRecord(entry.usage) ? entry.usage : {};
    const tools = isRecord(entry.tools)
      ? Object.entries(entry.tools)
          .map(([name, count]) => `${name} ×${text(count)}`)
          .join(', ')
      : '';
    return {
      subtask: number,
      model: entry.model,
      status: entry.status,
      duration: `${text(entry.duration_ms)} ms`,
      tokens: `${text(usage.input_tokens)} / ${text(usage.output_tokens)}`,
      cost: typeof entry.cost_usd === 'number' ? `$${entry.cost_usd.toFixed(4)}` : '',
      retries: entry.retries ?? 0,
      tools,
    };
  });
  return table(rows, [
    ['subtask', 'Subtask'],
    ['model', 'Model'],
    ['status', 'Status'],
    ['duration', 'Duration'],
    ['tokens', 'Tokens in / out'],
    ['cost', 'Cost'],
    ['retries', 'Retries'],
    ['tools', 'Tools'],
  ]);
}

/** Said first, so nobody reads a partial report as a complete one. */
function missingSection(missing: unknown): string[] {
  if (!Array.isArray(missing) || missing.length === 0) return [];
  const lines = missing.filter(isRecord).map((entry) => {
    const what = `Subtask ${text(entry.subtask)}${entry.title ? ` (${text(entry.title)})` : ''}`;
    return `- ${what}: ${text(entry.because)}`;
  });
  const failed = missing.some((entry) => isRecord(entry) && entry.reason === 'failed');
  const lead = failed
    ? '> **Incomplete.** The run finished without these optional subtasks; the report fields built from them are empty (null in report.json).'
    : '> The severity did not call for these subtasks; the report fields built from them are empty (null in report.json).';
  return [failed ? '## Missing' : '## Not run at this severity', '', lead, '', ...lines];
}

/** Choices at decision points, then the run's write approvals: who decided what. */
function decisionsSection(report: Row): string[] {
  const by = (value: unknown) => (value === 'flag' ? '--decide' : 'at the terminal');
  const choices = (Array.isArray(report.decisions) ? report.decisions : [])
    .filter(isRecord)
    .map(
      (entry) =>
        `- Subtask ${text(entry.subtask)}: ${text(entry.question)} **${text(entry.chosen)}** (${by(entry.by)})`,
    );
  const run = isRecord(report.run) ? report.run : {};
  const approvals = (Array.isArray(run.decisions) ? run.decisions : [])
    .filter((entry): entry is Row => isRecord(entry) && entry.kind === 'approval')
    .map(
      (entry) =>
        `- Subtask ${text(entry.subtask)}: write tool ${text(String(entry.id).split(':')[1])}: **${text(entry.chosen)}** (${by(entry.by)})`,
    );
  if (choices.length + approvals.length === 0) return [];
  return ['## Decisions', '', ...choices, ...approvals];
}

/** SEV-1 only (incident-response subtask 5); null or absent renders nothing: "Missing" says why. */
function securityReviewSection(review: unknown): string[] {
  if (!isRecord(review)) return [];
  const area = (name: string, value: unknown) => {
    const entry = isRecord(value) ? value : {};
    return { area: name, status: entry.status, finding: entry.finding };
  };
  const change = isRecord(review.change_review) ? review.change_review : {};
  const reviewed =
    change.reviewed === true ? 'reviewed' : change.reviewed === false ? 'not reviewed' : 'unknown';
  const exposure = isRecord(review.data_exposure) ? review.data_exposure : {};
  const classes = Array.isArray(exposure.data_classes) ? exposure.data_classes : [];
  const notification = isRecord(review.notification) ? review.notification : {};
  const exposed =
    classes.length === 0
      ? []
      : [
          '',
          `**Data exposed:** ${text(classes)} · ${text(exposure.record_count) || 'unknown number of'} records · ${text(exposure.window_start) || '?'} – ${text(exposure.window_end) || 'open'}`,
        ];
  return [
    '## Security review',
    '',
    `**Security dimension:** ${text(review.security_dimension) || 'unknown'} — ${text(review.summary)}`,
    '',
    ...table(
      [
        area('Credential exposure', review.credential_exposure),
        area('Data exposure', exposure),
        area('Unauthorized access', review.unauthorized_access),
        {
          area: 'Change review',
          status: reviewed,
          finding: `${text(change.change)}: ${text(change.finding)}`,
        },
      ],
      [
        ['area', 'Area'],
        ['status', 'Status'],
        ['finding', 'Finding'],
      ],
    ),
    ...exposed,
    '',
    `**Notification:** ${notification.may_apply === true ? 'may apply' : 'not indicated'} — ${text(notification.basis)} Decided by: ${text(notification.decided_by)}.`,
    '',
    '### Evidence to preserve',
    '',
    ...table(review.evidence_to_preserve, [
      ['evidence', 'Evidence'],
      ['location', 'Where'],
      ['owner', 'Owner'],
      ['deadline', 'Lost after'],
      ['status', 'Status'],
    ]),
    '',
    '### Containment',
    '',
    ...table(review.containment, [
      ['order', '#'],
      ['action', 'Action'],
      ['owner', 'Owner'],
      ['blast_radius', 'Interrupts'],
      ['status', 'Status'],
    ]),
    '',
    '### Open questions',
    '',
    ...list(review.open_questions),
  ];
}

/** SEV-1 only (incident-response subtask 6): the page, in a block that copies cleanly. */
function pagingSummarySection(page: unknown): string[] {
  if (!isRecord(page)) return [];
  const facts = [
    `next update ${text(page.next_update_at) || 'not set'}`,
    `incident commander ${text(page.incident_commander)}`,
    ...(page.channel ? [`channel ${text(page.channel)}`] : []),
  ];
  return [
    '## Paging summary',
    '',
    `**${text(page.headline)}**`,
    '',
    '```text',
    text(page.message).replace(/^(\s*)```/gm, '$1 ```'),
    '```',
    '',
    `_${facts.join(' · ')}_`,
  ];
}

export function renderReportMarkdown(report: Row): string {
  const title = text(report.title) || 'Incident report';
  const id = report.incident_id ? ` (${text(report.incident_id)})` : '';
  const sections: string[][] = [
    [`# ${title}${id}`, '', ...severitySection(report)],
    missingSection(report.missing),
    ['## Summary', '', text(report.summary) || '_No summary._'],
    ['## Impact', '', ...impactSection(report.impact)],
    [
      '## Timeline',
      '',
      ...table(report.timeline, [
        ['time', 'Time (UTC)'],
        ['event', 'Event'],
        ['source', 'Source'],
      ]),
    ],
    ['## Root cause', '', ...rootCauseSection(report.root_cause)],
    [
      '## Actions',
      '',
      ...table(report.actions, [
        ['action', 'Action'],
        ['kind', 'Kind'],
        ['owner', 'Owner'],
        ['status', 'Status'],
        ['requires_approval', 'Needs approval'],
      ]),
    ],
    [
      '## Recovery validation',
      '',
      ...table(report.recovery_validation, [
        ['metric', 'Metric'],
        ['baseline', 'Baseline'],
        ['target', 'Target'],
        ['current', 'Current'],
        ['status', 'Status'],
      ]),
    ],
  ];
  sections.push(pagingSummarySection(report.paging_summary));
  sections.push(securityReviewSection(report.security_review));
  sections.push(decisionsSection(report));
  if (typeof report.postmortem_markdown === 'string') {
    sections.push(['## Post-mortem', '', demoteHeadings(report.postmortem_markdown.trim())]);
  }
  if (report.details !== undefined) {
    sections.push(['_Every subtask output in full is in report.json under `details`._']);
  }
  for (const [key, value] of Object.entries(report)) {
    if (known.has(key)) continue;
    sections.push([
      `## ${key.replace(/_/g, ' ')}`,
      '',
      typeof value === 'string' ? value : `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``,
    ]);
  }
  sections.push(runSection(report.run));
  return `${sections
    .filter((section) => section.length > 0)
    .map((section) => section.join('\n'))
    .join('\n\n')}\n`;
}
