/** Progress lines for a run, from its events (stderr, so stdout stays for results). */
import type { RunEvent } from '../../index.js';
import type { CliIo } from '../cli-io.js';

/** A terminal a person watches: the task list redraws in place there; elsewhere, plain lines. */
export function isLiveTerminal(io: CliIo): boolean {
  return process.stderr.isTTY === true && !io.env.CI && io.env.TERM !== 'dumb';
}

export function printProgress(io: CliIo, event: RunEvent): void {
  const line = progressLine(event);
  if (line) io.stderr(`${line}\n`);
}

function progressLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return `run ${event.runId}: chain ${event.chain} ${event.version}, subtasks ${event.subtasks.join(' → ')}`;
    case 'subtask-start':
      return `  ▶ subtask ${event.subtask} (${event.persona}, ${event.model})`;
    case 'model-retry':
      return `  ↻ subtask ${event.subtask}: ${event.reason}; retry ${event.attempt} in ${(event.delayMs / 1000).toFixed(1)} s`;
    case 'model-fallback':
      return `  ⤳ subtask ${event.subtask}: ${event.from} failed (${event.reason}); falling back to ${event.to}`;
    case 'output-invalid':
      return `  ! subtask ${event.subtask} turn ${event.turn}: output invalid (${event.violations.length} problem(s)); asking for a repair`;
    case 'subtask-end':
      return `  ✓ subtask ${event.subtask}: ${event.turns} turn(s), ${event.usage.inputTokens} in / ${event.usage.outputTokens} out tokens → ${event.output}`;
    case 'subtask-fail':
      return event.optional
        ? `  ✗ subtask ${event.subtask} (optional, the run goes on without it): ${event.message.split('\n')[0]}`
        : `  ✗ subtask ${event.subtask}: ${event.message.split('\n')[0]}`;
    case 'subtask-skip':
      return `  - subtask ${event.subtask} skipped: ${event.reason}`;
    case 'decision-request':
      return `  ? subtask ${event.subtask}: ${event.kind === 'approval' ? `write tool ${event.tool} needs approval` : event.question} (--decide ${event.decision}=<${event.options.map((option) => option.id).join('|')}>)${event.rejected ? `; ${event.rejected}` : ''}`;
    case 'decision':
      return `  ✓ decision ${event.id}: ${event.option.id} (${event.by === 'flag' ? '--decide' : 'answered at the terminal'})`;
    case 'subtask-pause':
      return `  ‖ subtask ${event.subtask} waits for decision ${event.decision}`;
    default:
      return undefined;
  }
}
