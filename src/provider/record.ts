/**
 * The recording wrapper: passes every call through to a real (or hand-written)
 * provider and appends the exchange to the fixtures directory, redacted. The model
 * keeps the inner provider's identity; the fixture key uses the target the subtask
 * asked for, exactly as replay computes it.
 */
import {
  createRedactor,
  type FixtureExchange,
  keyedRequest,
  type Provenance,
  type Redactor,
  writeExchange,
} from '../fixture/index.js';
import type {
  CallLabel,
  CallOptions,
  ContentPart,
  GenerateResult,
  LanguageModel,
  ModelProvider,
  ModelTarget,
  StreamPart,
} from './spec.js';

export interface RecordingProviderOptions {
  fixturesDir: string;
  provenance: Provenance;
  /** Defaults to the built-in patterns plus secret-named variables of `process.env`. */
  redactor?: Redactor;
  clock?: () => Date;
}

export function createRecordingProvider(
  inner: ModelProvider,
  options: RecordingProviderOptions,
): ModelProvider {
  const redactor = options.redactor ?? createRedactor({ env: process.env });
  const clock = options.clock ?? (() => new Date());

  const record = async (target: ModelTarget, call: CallOptions, result: GenerateResult) => {
    const { request, key } = keyedRequest(target, call, redactor);
    const { content, finishReason, usage, response } = result;
    const exchange: FixtureExchange = {
      label: requireLabel(call),
      provenance: options.provenance,
      recordedAt: clock().toISOString(),
      request,
      response: redactor.redactValue({ content, finishReason, usage, response }),
    };
    await writeExchange(options.fixturesDir, key, exchange);
  };

  return {
    specificationVersion: 'v1',
    id: inner.id,
    languageModel(target: ModelTarget): LanguageModel {
      const model = inner.languageModel(target);
      return {
        specificationVersion: 'v1',
        provider: model.provider,
        modelId: model.modelId,
        async doGenerate(call) {
          requireLabel(call);
          const result = await model.doGenerate(call);
          await record(target, call, result);
          return result;
        },
        async *doStream(call) {
          requireLabel(call);
          const assembled = new StreamAssembly();
          for await (const part of model.doStream(call)) {
            // Written before `finish` is passed on, so a consumer that saw it can replay it.
            if (part.type === 'finish') await record(target, call, assembled.result(part.result));
            else assembled.add(part);
            yield part;
          }
        },
      };
    },
  };
}

/** Checked before the inner call, so a missing label never costs a paid request. */
function requireLabel(call: CallOptions): CallLabel {
  if (call.callLabel === undefined) {
    throw new TypeError(
      'Recording a model call needs options.callLabel ({ run, subtask, turn }): it names the fixture file and the exchange.',
    );
  }
  return call.callLabel;
}

/** Rebuilds the content a stream delivered, in order: the stream is what was observed. */
class StreamAssembly {
  private readonly content: ContentPart[] = [];

  add(part: Exclude<StreamPart, { type: 'finish' }>): void {
    if (part.type === 'tool-call') {
      this.content.push(part.toolCall);
      return;
    }
    const last = this.content.at(-1);
    if (last?.type === 'text') last.text += part.delta;
    else this.content.push({ type: 'text', text: part.delta });
  }

  result(finish: GenerateResult): GenerateResult {
    return { ...finish, content: this.content };
  }
}
