import { describe, expect, it } from 'vitest';
import {
  type AgentEvent,
  createSchemaValidator,
  type JsonSchema,
  OutputInvalidError,
  runSubtask,
  type SubtaskCall,
  WarroomError,
} from '../../src/index.js';
import {
  createScriptedModel,
  lastUserText,
  type Script,
  textResult,
} from '../engine/scripted-model.js';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['severity'],
  properties: { severity: { type: 'string', enum: ['SEV-1', 'SEV-2'] } },
};

function call(script: Script, overrides: Partial<SubtaskCall> = {}) {
  const provider = createScriptedModel('scripted', script);
  const events: AgentEvent[] = [];
  const subtaskCall: SubtaskCall = {
    run: 'incident-response',
    subtask: 2,
    model: provider.languageModel({ provider: 'anthropic', modelId: 'claude-sonnet-4-5' }),
    system: 'You are the SRE.',
    prompt: 'Triage INC-1.',
    output: { kind: 'json', schema },
    responseFormat: { type: 'json', schema, name: 'subtask_2_output' },
    sampling: { temperature: 0.2, maxOutputTokens: 400 },
    repairAttempts: 1,
    validator: createSchemaValidator(),
    onEvent: (event) => {
      events.push(event);
    },
    ...overrides,
  };
  return { provider, events, answer: () => runSubtask(subtaskCall) };
}

describe('runSubtask', () => {
  it('sends the system prompt, the prompt, the response format and sampling with turn 1', async () => {
    const { provider, answer } = call(() => '{"severity": "SEV-2"}');
    const result = await answer();
    expect(result).toMatchObject({ output: { severity: 'SEV-2' }, turns: 1 });
    const [first] = provider.calls;
    expect(first?.options).toMatchObject({
      system: 'You are the SRE.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Triage INC-1.' }] }],
      responseFormat: { type: 'json', name: 'subtask_2_output' },
      temperature: 0.2,
      maxOutputTokens: 400,
      callLabel: { run: 'incident-response', subtask: 2, turn: 1 },
    });
  });

  it('numbers each repair turn one higher in the call label and sums usage over turns', async () => {
    const replies = ['{"severity": "SEV-9"}', 'not json', '{"severity": "SEV-1"}'];
    const { provider, answer } = call(
      (made) => textResult(replies[made.turn - 1] ?? '', { inputTokens: 10, outputTokens: 3 }),
      { repairAttempts: 2 },
    );
    const result = await answer();
    expect(provider.calls.map((made) => made.options.callLabel?.turn)).toEqual([1, 2, 3]);
    expect(result).toMatchObject({ output: { severity: 'SEV-1' }, turns: 3 });
    expect(result.usage).toEqual({
      inputTokens: 30,
      outputTokens: 9,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it('repairs with the conversation so far and the violations as the last user message', async () => {
    const { provider, answer } = call((made) =>
      made.turn === 1 ? '{"severity": "SEV-9"}' : '{"severity": "SEV-1"}',
    );
    await answer();
    const repair = await provider.callFor(2, 2);
    expect(repair.options.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    expect(lastUserText(repair)).toMatch(/^ {2}\$\.severity: must be one of "SEV-1", "SEV-2"/m);
    expect(lastUserText(repair)).toContain('the corrected JSON only');
  });

  it('throws OUTPUT_INVALID with the last violations once repairs are used up', async () => {
    const { provider, events, answer } = call(() => '{"severity": "SEV-9"}');
    const error = await answer().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OutputInvalidError);
    expect(WarroomError.isInstance(error)).toBe(true);
    const invalid = error as OutputInvalidError;
    expect(invalid.code).toBe('OUTPUT_INVALID');
    expect(invalid.context.subtask).toBe(2);
    expect(invalid.violations.map((violation) => violation.path)).toEqual(['$.severity']);
    expect(invalid.text).toBe('{"severity": "SEV-9"}');
    expect(provider.calls).toHaveLength(2);
    expect(events.map((event) => `${event.type}:${event.turn}`)).toEqual([
      'model-call:1',
      'output-invalid:1',
      'model-call:2',
      'output-invalid:2',
    ]);
  });

  it('makes no repair turn when repairAttempts is 0', async () => {
    const { provider, answer } = call(() => 'no json here', { repairAttempts: 0 });
    await expect(answer()).rejects.toMatchObject({ code: 'OUTPUT_INVALID' });
    expect(provider.calls).toHaveLength(1);
  });

  it('unwraps a Markdown reply in one ```markdown fence and repairs an empty one', async () => {
    const { provider, answer } = call(
      (made) => (made.turn === 1 ? '  ' : '```markdown\n# Post-mortem\n```'),
      { output: { kind: 'text' }, responseFormat: { type: 'text' } },
    );
    const result = await answer();
    expect(result).toMatchObject({ output: '# Post-mortem', turns: 2 });
    expect(lastUserText(await provider.callFor(2, 2))).toContain('$: the reply is empty');
    expect(lastUserText(await provider.callFor(2, 2))).toContain('the corrected Markdown only');
  });

  it('reads the reply from its text parts only, in order', async () => {
    const { answer } = call(() => ({
      ...textResult(''),
      content: [
        { type: 'text', text: '{"severity": ' },
        { type: 'tool-call', toolCallId: 't1', toolName: 'query', input: '{}' },
        { type: 'text', text: '"SEV-1"}' },
      ],
    }));
    expect((await answer()).output).toEqual({ severity: 'SEV-1' });
  });

  it('passes the abort signal to the model, so aborting ends the call', async () => {
    const controller = new AbortController();
    const { provider, answer } = call(() => undefined, { signal: controller.signal });
    const pending = answer();
    const first = await provider.callFor(2);
    expect(first.options.abortSignal).toBe(controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(provider.calls).toHaveLength(1);
  });
});
