/**
 * Incident severity as chains, routes and inputs speak it. Teams write SEV-1..SEV-4 or
 * P0..P3; both map onto one scale (P0 is SEV-1) so a route or a subtask's
 * `when.severity` written either way matches an incident written the other way.
 */
import { z } from 'zod';
import { WarroomError } from './errors.js';

export const severityLevels = ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'] as const;
export type Severity = (typeof severityLevels)[number];

/** `SEV-1`, `sev1`, `Sev 1`, `P0`, `p0` → `SEV-1`; anything else → undefined. */
export function normalizeSeverity(value: unknown): Severity | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toUpperCase();
  const sev = /^SEV[-_ ]?([1-4])$/.exec(text);
  if (sev) return `SEV-${sev[1]}` as Severity;
  const priority = /^P([0-3])$/.exec(text);
  if (priority) return `SEV-${Number(priority[1]) + 1}` as Severity;
  return undefined;
}

/*
 * Severity routing: which chain an incident runs, from the severity its input
 * states. The routes are the config file's `routes:` section:
 *
 *   routes:
 *     field: severity              # where the input holds it (dotted path; default `severity`)
 *     chains:
 *       SEV-1: incident-response   # SEV-1..SEV-4 or P0..P3; a chain id or file
 *       SEV-4: ticket-summary
 *     default: incident-response   # an incident without a severity (else it is refused)
 *
 * Branches inside a chain (SEV-1 adds a security review) are the chain's own
 * `when.severity`, decided from the input or the triage subtask's output.
 */

const severityKey = z.string().refine((key) => normalizeSeverity(key) !== undefined, {
  message: 'a severity is SEV-1..SEV-4 or P0..P3',
});

export const severityRoutesSchema = z
  .object({
    field: z
      .string()
      .regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/, 'a dotted path in the input, e.g. severity')
      .default('severity'),
    chains: z.record(severityKey, z.string().min(1)).superRefine((chains, context) => {
      const seen = new Map<string, string>();
      for (const key of Object.keys(chains)) {
        const level = normalizeSeverity(key) as string;
        const earlier = seen.get(level);
        if (earlier !== undefined) {
          context.addIssue({
            code: 'custom',
            path: [key],
            message: `${key} is ${level}, which ${earlier} already routes`,
          });
        }
        seen.set(level, key);
      }
    }),
    default: z.string().min(1).optional(),
  })
  .strict();

export type SeverityRoutesConfig = z.infer<typeof severityRoutesSchema>;

export interface SeverityRoute {
  /** The chain id or file the incident runs. */
  chain: string;
  /** The severity it was routed on; absent when the default took it. */
  severity?: Severity;
}

/** The chain for an incident; an incident the routes cannot place is a user error. */
export function routeIncident(
  routes: SeverityRoutesConfig,
  input: unknown,
  file: string,
): SeverityRoute {
  let value: unknown = input;
  for (const key of routes.field.split('.')) {
    value =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  const severity = normalizeSeverity(value);
  const chains = new Map(
    Object.entries(routes.chains).map(([key, chain]) => [normalizeSeverity(key), chain]),
  );
  const routed = severity ? chains.get(severity) : undefined;
  if (routed) return { chain: routed, ...(severity ? { severity } : {}) };
  // The default is for an incident that states no severity, or one no route names; a
  // value that is not a severity at all (SEV-0, "critical") is a mistake to say, not route.
  const unreadable = value !== undefined && value !== null && !severity;
  if (routes.default && !unreadable) {
    return { chain: routes.default, ...(severity ? { severity } : {}) };
  }
  const fix = severity
    ? `add ${severity} to routes.chains or set routes.default in the config, or pass --chain`
    : `state a severity in the input's "${routes.field}", set routes.default in the config, or pass --chain`;
  const why =
    value === undefined
      ? `has no "${routes.field}"`
      : severity
        ? `is ${severity}, which routes.chains does not name`
        : `has "${routes.field}": ${JSON.stringify(value)}, not a severity (SEV-1..SEV-4 or P0..P3)`;
  throw new WarroomError({
    code: 'INPUT_INVALID',
    file,
    message: `the incident ${why}; ${fix}`,
    userError: true,
  });
}
