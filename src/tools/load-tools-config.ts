/**
 * Reads the config file (`--config`, else `./warroom.config.yaml` when present):
 * its `tools:` section, `${ENV}` references resolved, the environment overriding
 * endpoints. Problems are user errors naming the file, line and field.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { WarroomError } from '../errors.js';
import { fallbackModelSchema } from '../model-settings.js';
import { type SeverityRoutesConfig, severityRoutesSchema } from '../severity.js';
import {
  applyEnvironment,
  interpolateEnv,
  type ToolsConfig,
  toolsConfigSchema,
} from './tools-config.js';

export const defaultConfigFile = 'warroom.config.yaml';

/** Ids the engine owns: they cannot be declared with a `kind`. */
const builtInProviders = new Set(['replay', 'hand-written']);

const providerLimitsSchema = z
  .object({
    concurrency: z.number().int().positive().optional(),
    requestsPerMinute: z.number().positive().optional(),
    inputTokensPerMinute: z.number().positive().optional(),
    outputTokensPerMinute: z.number().positive().optional(),
    /** Requests that may start back to back (default: a minute's worth). */
    burst: z.number().int().positive().optional(),
    /** Consecutive failed calls that open the provider's circuit, and for how long (default 5, 30 s). */
    breaker: z
      .object({ failures: z.number().int().positive(), cooldownSeconds: z.number().positive() })
      .strict()
      .optional(),
    /** Models a subtask targeting this provider falls back on, when its model settings name none. */
    fallback: z.array(fallbackModelSchema).optional(),
    /** Declares a provider under this id: which SDK speaks to it, where, and which variable holds its key. */
    kind: z.enum(['openai', 'anthropic']).optional(),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable, e.g. LOCAL_LLM_KEY')
      .optional(),
  })
  .strict()
  .superRefine((provider, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    if (provider.kind === undefined) {
      if (provider.baseUrl !== undefined) issue('baseUrl', 'needs `kind` (openai or anthropic)');
      if (provider.apiKeyEnv !== undefined)
        issue('apiKeyEnv', 'needs `kind` (openai or anthropic)');
      return;
    }
    if (provider.kind === 'anthropic' && provider.apiKeyEnv === undefined) {
      issue('apiKeyEnv', 'an anthropic provider needs the variable holding its key');
    }
    if (provider.kind === 'openai' && !provider.baseUrl && !provider.apiKeyEnv) {
      issue('baseUrl', 'an openai provider needs a baseUrl (a compatible server) or an apiKeyEnv');
    }
  });

const fileSchema = z
  .object({
    tools: toolsConfigSchema.default({}),
    /**
     * Per provider id: client-side limits (`providers: { anthropic: { requestsPerMinute: 50 } }`),
     * circuit breaker, fallback models, and providers declared here (`kind`, `baseUrl`, `apiKeyEnv`).
     */
    providers: z
      .record(z.string(), providerLimitsSchema)
      .superRefine((providers, context) => {
        for (const [id, provider] of Object.entries(providers)) {
          if (provider.kind !== undefined && builtInProviders.has(id)) {
            context.addIssue({
              code: 'custom',
              path: [id, 'kind'],
              message: `"${id}" is built in and cannot be declared`,
            });
          }
        }
      })
      .default({}),
    /** Severity → chain (src/severity.ts). */
    routes: severityRoutesSchema.optional(),
  })
  .passthrough();

export type ProviderLimitsConfig = z.infer<typeof providerLimitsSchema>;

function configError(file: string, message: string, line?: number): WarroomError {
  return new WarroomError({
    code: 'USAGE',
    message,
    file,
    ...(line ? { line } : {}),
    userError: true,
  });
}

interface ConfigOptions {
  file?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export async function loadToolsConfig(options: ConfigOptions): Promise<ToolsConfig> {
  const config = await loadConfigFile(options);
  return applyEnvironment(config.tools, options.env);
}

/**
 * The `providers:` section per provider id: client-side rate limits, circuit breaker,
 * fallback models, and the providers the file declares (`kind`, `baseUrl`, `apiKeyEnv`).
 */
export async function loadProviderLimits(
  options: ConfigOptions,
): Promise<Map<string, ProviderLimitsConfig>> {
  const config = await loadConfigFile(options);
  return new Map(Object.entries(config.providers));
}

/** The `routes:` section (severity → chain), when the config file has one. */
export async function loadSeverityRoutes(
  options: ConfigOptions,
): Promise<SeverityRoutesConfig | undefined> {
  return (await loadConfigFile(options)).routes;
}

async function loadConfigFile(options: ConfigOptions): Promise<z.infer<typeof fileSchema>> {
  const file = resolve(options.cwd, options.file ?? defaultConfigFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (options.file === undefined) return { tools: {}, providers: {} };
    throw configError(
      file,
      `cannot read config file ${options.file}: ${(cause as NodeJS.ErrnoException).code ?? cause}`,
    );
  }
  const document = parseDocument(text);
  const yamlError = document.errors[0];
  if (yamlError)
    throw configError(
      file,
      `config is not valid YAML: ${yamlError.message.split('\n')[0]}`,
      yamlError.linePos?.[0]?.line,
    );
  let raw: unknown;
  try {
    raw = interpolateEnv(document.toJS() ?? {}, options.env, 'config');
  } catch (cause) {
    throw configError(file, (cause as Error).message);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw configError(
      file,
      `config field "${path}": ${issue?.message ?? 'invalid'}`,
      lineOf(text, issue?.path.map(String) ?? []),
    );
  }
  return parsed.data;
}

/** Best-effort line of a key path in the YAML text. */
function lineOf(text: string, path: string[]): number | undefined {
  const lines = text.split('\n');
  let from = 0;
  let found: number | undefined;
  for (const key of path) {
    const index = lines.findIndex(
      (line, position) =>
        position >= from &&
        new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).test(line),
    );
    if (index < 0) break;
    found = index + 1;
    from = index + 1;
  }
  return found;
}
