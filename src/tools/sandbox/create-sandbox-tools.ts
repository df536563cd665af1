/**
 * The sandbox tool set: one tool, `run_code`. The self-check runs on the first
 * call and its answer is kept for the tool set's lifetime, so a machine without
 * working bubblewrap refuses every call with the same clear error and never
 * runs anything.
 */
import type { JsonValue } from '../../provider/spec.js';
import type { Tool } from '../tool.js';
import { checkSandbox, type SandboxCheck } from './check-sandbox.js';
import { type RunCodeResult, runCode } from './run-code.js';
import { parseRunCodeInput, runCodeInputSchema } from './run-code-input.js';
import { resolveSandboxHost, type SandboxDeps } from './sandbox-host.js';
import { resolveSandboxLimits, type SandboxConfig } from './sandbox-limits.js';
import { SandboxUnavailableError } from './sandbox-unavailable-error.js';

export function createSandboxTools(config: SandboxConfig, deps: SandboxDeps = {}): Tool[] {
  const host = resolveSandboxHost(deps);
  const limits = resolveSandboxLimits(config, host.processLimit);
  let check: Promise<SandboxCheck> | undefined;

  const runCodeTool: Tool = {
    name: 'run_code',
    description:
      'Runs a short Python 3 or Node.js program in an isolated sandbox and returns its exit ' +
      'status, stdout and stderr. Use it to compute, parse or check data you already have ' +
      '(pass it on stdin). The sandbox has no network (DNS fails too), no access to host ' +
      'files, secrets or environment variables, standard libraries only, and /tmp as the only ' +
      'writable directory, emptied after every call. Limits: ' +
      `${limits.wallSeconds} s wall time, ${limits.cpuSeconds} s CPU, ${limits.memoryMb} MB ` +
      `memory, ${limits.processes} processes and threads, ${limits.outputBytes} bytes of output ` +
      '(past it the program is killed). killedFor says which limit stopped a program.',
    effect: 'read',
    inputSchema: runCodeInputSchema(limits.wallSeconds),
    async run(input, context) {
      const request = parseRunCodeInput(input, limits.wallSeconds);
      check ??= checkSandbox(host);
      const answer = await check;
      if (!answer.ok) throw new SandboxUnavailableError(answer.reason);
      return resultJson(await runCode(request, host, limits, context.signal));
    },
  };
  return [runCodeTool];
}

function resultJson(result: RunCodeResult): JsonValue {
  const { killedFor, limits, ...rest } = result;
  return {
    ...rest,
    ...(killedFor === undefined ? {} : { killedFor }),
    limits: { ...limits, enforcedBy: { ...limits.enforcedBy } },
  };
}
