/**
 * Where the built-in tools point: endpoints, credentials, limits. Read from the
 * `tools:` section of a config file (YAML) with zod, then the environment
 * overrides it (PROMETHEUS_URL, ALERTMANAGER_URL, LOKI_URL, GRAFANA_URL +
 * GRAFANA_API_KEY, GITHUB_TOKEN, WARROOM_GIT_REPO). A value written `${NAME}`
 * is read from the environment, so a config file never has to hold a secret.
 *
 *   tools:
 *     prometheus: { url: http://127.0.0.1:9090, auth: { bearer: ${PROM_TOKEN} } }
 *     alertmanager: { url: http://127.0.0.1:9093 }
 *     loki: { url: http://127.0.0.1:3100 }
 *     grafana: { url: https://grafana.example, apiKey: ${GRAFANA_API_KEY}, prometheusUid: prom, lokiUid: loki }
 *     github: { token: ${GITHUB_TOKEN}, baseUrl: https://api.github.com, repository: org/repo }
 *     git: { repository: /srv/checkout }
 *     sandbox: { cpuSeconds: 10, wallSeconds: 20, memoryMb: 256, outputBytes: 65536 }
 *     mcp:
 *       grafana: { command: mcp-grafana, args: [], env: {}, effects: { query_prometheus: read } }
 *       remote: { url: http://127.0.0.1:8000/mcp }
 */
import { z } from 'zod';

const auth = z
  .union([
    z.object({ bearer: z.string().min(1) }).strict(),
    z.object({ basic: z.object({ username: z.string(), password: z.string() }).strict() }).strict(),
  ])
  .optional();

const endpoint = z.object({ url: z.string().url(), auth }).strict();

const mcpServer = z
  .object({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    url: z.string().url().optional(),
    /** Effect class per tool; tools not listed are `write` (they need approval). */
    effects: z.record(z.string(), z.enum(['read', 'write'])).default({}),
  })
  .strict()
  .refine((server) => (server.command === undefined) !== (server.url === undefined), {
    message: 'an MCP server has either a command (stdio) or a url (streamable HTTP)',
  });

export const toolsConfigSchema = z
  .object({
    prometheus: endpoint
      .extend({ datasources: z.record(z.string(), z.string().url()).optional() })
      .strict()
      .optional(),
    alertmanager: endpoint.optional(),
    loki: endpoint.optional(),
    grafana: z
      .object({
        url: z.string().url(),
        apiKey: z.string().min(1).optional(),
        prometheusUid: z.string().min(1).optional(),
        lokiUid: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    github: z
      .object({
        token: z.string().min(1).optional(),
        baseUrl: z.string().url().optional(),
        repository: z
          .string()
          .regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name')
          .optional(),
      })
      .strict()
      .optional(),
    git: z
      .object({ repository: z.string().min(1) })
      .strict()
      .optional(),
    sandbox: z
      .object({
        cpuSeconds: z.number().positive().max(300).optional(),
        wallSeconds: z.number().positive().max(600).optional(),
        memoryMb: z.number().int().positive().max(8192).optional(),
        outputBytes: z.number().int().positive().max(16_777_216).optional(),
      })
      .strict()
      .optional(),
    mcp: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), mcpServer).optional(),
  })
  .strict();

export type ToolsConfig = z.infer<typeof toolsConfigSchema>;
export type EndpointConfig = z.infer<typeof endpoint>;
export type McpServerConfig = z.infer<typeof mcpServer>;

/** `${NAME}` → the environment's NAME; an unset variable is an error naming it. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path = 'tools'): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
      const found = env[name];
      if (found === undefined) throw new Error(`${path}: environment variable ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, env, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolateEnv(item, env, `${path}.${key}`),
      ]),
    );
  }
  return value;
}

/** The environment wins over the file for the endpoints operators set per shell. */
export function applyEnvironment(config: ToolsConfig, env: NodeJS.ProcessEnv): ToolsConfig {
  const result: ToolsConfig = { ...config };
  if (env.PROMETHEUS_URL) result.prometheus = { ...config.prometheus, url: env.PROMETHEUS_URL };
  if (env.ALERTMANAGER_URL)
    result.alertmanager = { ...config.alertmanager, url: env.ALERTMANAGER_URL };
  if (env.LOKI_URL) result.loki = { ...config.loki, url: env.LOKI_URL };
  if (env.GRAFANA_URL) {
    result.grafana = {
      ...config.grafana,
      url: env.GRAFANA_URL,
      ...(env.GRAFANA_API_KEY ? { apiKey: env.GRAFANA_API_KEY } : {}),
    };
  }
  if (env.GITHUB_TOKEN) result.github = { ...config.github, token: env.GITHUB_TOKEN };
  if (env.WARROOM_GIT_REPO) result.git = { repository: env.WARROOM_GIT_REPO };
  return result;
}
