import { describe, expect, it } from 'vitest';
import { createSchemaValidator, type JsonSchema, runSubtask } from '../../src/index.js';
import { createScriptedModel, lastUserText } from '../engine/scripted-model.js';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['severity', 'affected_users'],
  properties: {
    severity: { type: 'string', enum: ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'] },
    affected_users: { type: 'integer' },
  },
};

const valid = '{"severity": "SEV-2", "affected_users": 1200}';

/** Recorded-style malformed first replies, and what the repair request must point at. */
const malformed: Array<[string, string, string]> = [
  [
    'prose around the JSON',
    'Sure! Here is the triage:\n{"severity": "SEV-2", "affected_users": 1200}\nLet me know.',
    '',
  ],
  ['a trailing comma', '{"severity": "SEV-2", "affected_users": 1200,}', '$: '],
  ['truncated output', '```json\n{"severity": "SEV-2", "affected_us', '$: '],
  [
    'a wrong type',
    '{"severity": "SEV-2", "affected_users": "about 1200"}',
    '$.affected_users: must be integer',
  ],
  [
    'a missing required field',
    '{"severity": "SEV-2"}',
    "$: must have required property 'affected_users'",
  ],
  [
    'a value outside the enum',
    '{"severity": "critical", "affected_users": 1200}',
    '$.severity: must be one of',
  ],
];

async function answerAfter(first: string) {
  const provider = createScriptedModel('scripted', (call) => (call.turn === 1 ? first : valid));
  const result = await runSubtask({
    run: 'incident-response',
    subtask: 1,
    model: provider.languageModel({ provider: 'anthropic', modelId: 'claude-sonnet-4-5' }),
    system: 'You are the SRE.',
    prompt: 'Triage INC-1. Reply with JSON.',
    output: { kind: 'json', schema },
    responseFormat: { type: 'json', schema },
    sampling: {},
    repairAttempts: 1,
    validator: createSchemaValidator(),
  });
  return { result, calls: provider.calls };
}

describe('output repair with malformed replies', () => {
  it.each(malformed)(
    'repairs %s by re-asking with the exact problem',
    async (_name, reply, problem) => {
      const { result, calls } = await answerAfter(reply);
      expect(result.output).toEqual({ severity: 'SEV-2', affected_users: 1200 });
      if (problem === '') {
        // Prose around valid JSON needs no repair: extraction finds it.
        expect(calls).toHaveLength(1);
        return;
      }
      expect(calls).toHaveLength(2);
      const repair = calls[1];
      if (!repair) throw new Error('no repair call');
      // Same conversation: the original prompt, the bad reply, then the repair request.
      expect(repair.options.messages.map((message) => message.role)).toEqual([
        'user',
        'assistant',
        'user',
      ]);
      expect(repair.options.messages[1]).toEqual({
        role: 'assistant',
        content: [{ type: 'text', text: reply }],
      });
      expect(lastUserText(repair)).toContain(problem);
      expect(repair.options.callLabel).toEqual({ run: 'incident-response', subtask: 1, turn: 2 });
    },
  );

  it('fails listing every violation when the repair is still invalid', async () => {
    const provider = createScriptedModel(
      'scripted',
      () => '{"severity": "critical", "affected_users": "many"}',
    );
    const attempt = runSubtask({
      run: 'incident-response',
      subtask: 1,
      model: provider.languageModel({ provider: 'anthropic', modelId: 'claude-sonnet-4-5' }),
      system: 'You are the SRE.',
      prompt: 'Triage INC-1.',
      output: { kind: 'json', schema },
      responseFormat: { type: 'json', schema },
      sampling: {},
      repairAttempts: 2,
      validator: createSchemaValidator(),
    });
    await expect(attempt).rejects.toMatchObject({ code: 'OUTPUT_INVALID' });
    await expect(attempt).rejects.toThrow(
      /\$\.severity: must be one of[\s\S]*\$\.affected_users: must be integer/,
    );
    expect(provider.calls).toHaveLength(3);
  });
});
