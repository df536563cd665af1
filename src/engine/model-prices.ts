/**
 * The price table: US dollars per million tokens, per model, in one place. Prices
 * are list prices as published by the providers; a model not listed has no cost
 * (reported as unknown, never guessed). Cache reads and writes are priced apart
 * where the provider bills them apart.
 */
import type { UsageTotals } from './run-events.js';

export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

const prices = new Map<string, ModelPrice>([
  ['anthropic/claude-opus-4-1', { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 }],
  ['anthropic/claude-sonnet-5-5', { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 }],
  ['anthropic/claude-sonnet-4-6', { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }],
  ['anthropic/claude-sonnet-4-5', { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }],
  ['anthropic/claude-sonnet-4-0', { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }],
  ['anthropic/claude-haiku-4-5', { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 }],
  ['openai/gpt-5', { input: 1.25, output: 10, cacheRead: 0.125 }],
  ['openai/gpt-5-mini', { input: 0.25, output: 2, cacheRead: 0.025 }],
  ['openai/gpt-4.1', { input: 2, output: 8, cacheRead: 0.5 }],
  ['openai/gpt-4.1-mini', { input: 0.4, output: 1.6, cacheRead: 0.1 }],
  ['openai/gpt-4o', { input: 2.5, output: 10, cacheRead: 1.25 }],
  ['openai/gpt-4o-mini', { input: 0.15, output: 0.6, cacheRead: 0.075 }],
]);

const datedSuffix = /-\d{8}$|-\d{4}-\d{2}-\d{2}$/;

/** `provider/model`; dated snapshots (`claude-sonnet-4-5-20250929`) use their family's price. */
export function priceOf(model: string): ModelPrice | undefined {
  const exact = prices.get(model);
  if (exact) return exact;
  return prices.get(model.replace(datedSuffix, ''));
}

/** The provider that serves a model id listed here (`gpt-4.1` → `openai`), if any. */
export function providerOfModel(modelId: string): string | undefined {
  const undated = modelId.replace(datedSuffix, '');
  for (const model of prices.keys()) {
    const [provider, id] = model.split('/');
    if (id === modelId || id === undated) return provider;
  }
  return undefined;
}

/**
 * Cost in US dollars, or undefined when the model has no price. Input tokens as
 * reported exclude cache reads/writes for Anthropic and include cached tokens for
 * OpenAI; both shapes are normalised by the adapters into cacheRead/Write counts,
 * and cached input is billed at the cache price when the table has one.
 */
export function costOf(model: string, usage: UsageTotals, provider?: string): number | undefined {
  const price = priceOf(model);
  if (!price) return undefined;
  const cachedInInput = (provider ?? model.split('/')[0]) === 'openai';
  const uncachedInput = cachedInInput
    ? Math.max(0, usage.inputTokens - usage.cacheReadTokens)
    : usage.inputTokens;
  const dollars =
    uncachedInput * price.input +
    usage.outputTokens * price.output +
    usage.cacheReadTokens * (price.cacheRead ?? price.input) +
    usage.cacheWriteTokens * (price.cacheWrite ?? price.input);
  return Number((dollars / 1_000_000).toFixed(6));
}
