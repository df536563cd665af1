import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultTarget, type PreparedChain, selectModel } from '../../src/index.js';
import { createWorkspace, prepareChain, type Workspace } from './dag-chain.js';
import { createScriptedModel } from './scripted-model.js';

const frontMatter = `model:
  temperature: 0.9
  maxOutputTokens: 900
subtasks:
  1:
    model:
      temperature: 0.5
`;

let workspace: Workspace;
let prepared: PreparedChain;
beforeEach(async () => {
  workspace = await createWorkspace(frontMatter);
  prepared = await prepareChain(workspace.chainFile);
});
afterEach(() => workspace.remove());

const providers = new Map([
  ['anthropic', createScriptedModel('anthropic')],
  ['openai', createScriptedModel('openai')],
  ['replay', createScriptedModel('replay')],
  ['hand-written', createScriptedModel('hand-written')],
  ['local', createScriptedModel('local')],
]);

function item(number: number) {
  const found = prepared.subtasks.get(number);
  if (!found) throw new Error(`no subtask ${number}`);
  return found;
}

describe('selectModel', () => {
  it('merges settings chain → persona → subtask, the most specific winning', () => {
    const triage = selectModel(prepared, item(1), providers, {});
    expect(triage.settings).toMatchObject({
      temperature: 0.5,
      maxOutputTokens: 900,
      modelId: 'claude-sonnet-4-5',
    });
    expect(selectModel(prepared, item(2), providers, {}).settings.temperature).toBe(0.2);
  });

  it("asks the persona's provider for the persona's model", () => {
    const selected = selectModel(prepared, item(3), providers, {});
    expect(selected.target).toEqual({ provider: 'openai', modelId: 'gpt-5' });
    expect(selected.model.provider).toBe('openai');
    expect(selected.model.modelId).toBe('gpt-5');
  });

  it('falls back to the default target when nothing names a model', () => {
    const bare = { ...item(2), persona: { ...item(2).persona, model: {} } };
    const { target } = selectModel(prepared, bare, providers, {});
    expect(target).toEqual(defaultTarget);
  });

  it.each(['replay', 'hand-written'])(
    'keeps the target identity under playback provider %s',
    (id) => {
      const selected = selectModel(prepared, item(3), providers, { provider: id });
      expect(selected.target).toEqual({ provider: 'openai', modelId: 'gpt-5' });
      expect(selected.model.provider).toBe(id);
    },
  );

  it('lets any other provider override become the target provider', () => {
    const selected = selectModel(prepared, item(3), providers, { provider: 'local' });
    expect(selected.target).toEqual({ provider: 'local', modelId: 'gpt-5' });
    expect(selected.model.provider).toBe('local');
  });

  it('lets the model override win over every settings layer', () => {
    const selected = selectModel(prepared, item(1), providers, { modelId: 'pinned' });
    expect(selected.target.modelId).toBe('pinned');
    expect(selected.model.modelId).toBe('pinned');
  });

  it('names the missing provider and the available ones in a user error', () => {
    const onlyAnthropic = new Map([['anthropic', createScriptedModel('anthropic')]]);
    expect(() => selectModel(prepared, item(3), onlyAnthropic, {})).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        userError: true,
        message: expect.stringContaining('needs provider "openai"'),
      }),
    );
    expect(() => selectModel(prepared, item(1), onlyAnthropic, { provider: 'replay' })).toThrow(
      /available: anthropic/,
    );
  });
});
