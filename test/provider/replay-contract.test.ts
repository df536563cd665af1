import { beforeAll } from 'vitest';
import {
  createRecordingProvider,
  createReplayProvider,
  type ModelTarget,
} from '../../src/provider/index.js';
import { temporaryDirectory } from '../fixture/sample-exchange.js';
import { contractCases, contractScript, runProviderContract } from './contract.js';
import { createScriptedProvider } from './scripted-provider.js';

const target: ModelTarget = { provider: 'anthropic', modelId: 'claude-contract' };
let fixturesDir = '';

// The replay fixtures come from recording the contract's own script, so the suite
// also proves that whatever record writes, replay reads back.
beforeAll(async () => {
  const { dir, remove } = await temporaryDirectory();
  fixturesDir = dir;
  const replies = contractScript.map(({ name }) => contractCases[name].reply);
  const recording = createRecordingProvider(createScriptedProvider('anthropic', replies), {
    fixturesDir,
    provenance: 'recorded',
  });
  const model = recording.languageModel(target);
  for (const { name, via } of contractScript) {
    const { options } = contractCases[name];
    if (via === 'generate') await model.doGenerate(options);
    else for await (const _part of model.doStream(options));
  }
  return remove;
});

runProviderContract('replay', {
  createModel: async () => ({
    model: createReplayProvider({ fixturesDir }).languageModel(target),
  }),
});
