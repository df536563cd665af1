/**
 * The errors replay throws when a call has no recording left. They must say which
 * call it was and what changed, so the fix (re-record, or edit and rekey) is obvious
 * without opening the fixture files.
 */
import { diffLines, structuredPatch } from 'diff';
import { WarroomError } from '../../errors.js';
import {
  type CanonicalRequest,
  type FixtureEntry,
  type FixtureExchange,
  type FixtureSet,
  keyPrefix,
  renderRequestYaml,
} from '../../fixture/index.js';
import type { CallLabel } from '../spec.js';

const diffContextLines = 2;
const maxDiffLines = 30;
const maxLineLength = 160;

export interface MissedCall {
  fixturesDir: string;
  key: string;
  request: CanonicalRequest;
  label: CallLabel | undefined;
}

export function fixtureMissError(call: MissedCall, fixtures: FixtureSet): WarroomError {
  const lines = [
    `No recorded model call matches ${describeCall(call.label)} (key ${keyPrefix(call.key)}) in fixtures dir ${call.fixturesDir}.`,
  ];
  const nearest = closestExchange(fixtures, call);
  if (nearest === undefined) {
    lines.push('That directory holds no recordings: check the path, or record this run first.');
  } else {
    lines.push(
      `Closest recording: ${nearest.file} (${describeCall(nearest.exchange.label)}). What changed:`,
      requestDiff(nearest.yaml, renderRequestYaml(call.request)),
    );
  }
  lines.push(
    `Re-record the subtask, or edit the fixture and run \`warroom fixtures rekey ${call.fixturesDir}\`.`,
  );
  return new WarroomError({
    code: 'FIXTURE_MISS',
    message: lines.join('\n'),
    subtask: call.label?.subtask,
    userError: false,
  });
}

export function fixtureExhaustedError(call: MissedCall, entry: FixtureEntry): WarroomError {
  const recorded = entry.exchanges.length;
  return new WarroomError({
    code: 'FIXTURE_MISS',
    message: `${entry.file} recorded ${recorded} exchanges for this request, this is call ${recorded + 1} (${describeCall(call.label)}, key ${keyPrefix(call.key)}). The chain now repeats this call more often than when it was recorded: re-record the subtask.`,
    file: entry.file,
    subtask: call.label?.subtask,
    userError: false,
  });
}

function describeCall(label: CallLabel | undefined): string {
  if (label === undefined) return 'an unlabelled call';
  return `run '${label.run}' subtask ${label.subtask} turn ${label.turn}`;
}

interface Nearest {
  file: string;
  exchange: FixtureExchange;
  yaml: string;
}

/** Same run, subtask and turn if recorded (what the user means to compare); else the fewest changed lines. */
function closestExchange(fixtures: FixtureSet, call: MissedCall): Nearest | undefined {
  return (
    (call.label && sameCallExchange(fixtures, call.label)) ?? mostSimilar(fixtures, call.request)
  );
}

function sameCallExchange(fixtures: FixtureSet, label: CallLabel): Nearest | undefined {
  for (const { file, exchanges } of fixtures.values()) {
    const exchange = exchanges.find((item) => sameLabel(item.label, label));
    if (exchange) return { file, exchange, yaml: renderRequestYaml(exchange.request) };
  }
  return undefined;
}

function mostSimilar(fixtures: FixtureSet, request: CanonicalRequest): Nearest | undefined {
  const current = renderRequestYaml(request);
  let best: (Nearest & { distance: number }) | undefined;
  for (const { file, exchanges } of fixtures.values()) {
    // Every exchange of a key has the same request: comparing the first is enough.
    const exchange = exchanges[0];
    if (exchange === undefined) continue;
    const yaml = renderRequestYaml(exchange.request);
    const distance = changedLineCount(yaml, current);
    if (best === undefined || distance < best.distance) best = { file, exchange, yaml, distance };
  }
  return best;
}

function sameLabel(left: CallLabel, right: CallLabel): boolean {
  return left.run === right.run && left.subtask === right.subtask && left.turn === right.turn;
}

function changedLineCount(before: string, after: string): number {
  return diffLines(before, after).reduce(
    (total, change) => total + (change.added || change.removed ? change.count : 0),
    0,
  );
}

/** Changed hunks only, short enough to read in a terminal. */
export function requestDiff(recorded: string, current: string): string {
  const patch = structuredPatch('recorded', 'this call', recorded, current, undefined, undefined, {
    context: diffContextLines,
  });
  if (patch.hunks.length === 0) {
    return '  (the requests render identically; a value differs in a way YAML does not show)';
  }
  const lines = ['--- recorded', '+++ this call'];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    lines.push(...hunk.lines.map(truncate));
  }
  if (lines.length <= maxDiffLines) return lines.join('\n');
  const hidden = lines.length - maxDiffLines;
  return [...lines.slice(0, maxDiffLines), `… (${hidden} more diff lines)`].join('\n');
}

function truncate(line: string): string {
  return line.length <= maxLineLength ? line : `${line.slice(0, maxLineLength - 1)}…`;
}
