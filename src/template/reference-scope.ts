/**
 * Static scope tracking for reference extraction: what a path written inside nested #each /
 * #with blocks means from the root. Mirrors Handlebars' own resolution: block parameters are
 * looked up by name from the innermost block outward, `../` climbs one context (only #each and
 * #with push one; #if/#unless keep the current context), `this.`/`./` never mean a block
 * parameter.
 */

/** The segment standing for "any item" of a collection iterated by #each. */
export const ANY_ITEM = '[]';

/** What a context or block parameter points at; undefined when not statically known. */
type ScopePath = readonly string[] | undefined;

type BlockParameter = { kind: 'value'; path: ScopePath } | { kind: 'data' };

export type Resolution =
  | { kind: 'path'; segments: string[] }
  /** @index, @key, an #each index parameter…: nothing to check ahead of time. */
  | { kind: 'data' }
  /** Inside a block whose argument is not a plain path: the context is unknown. */
  | { kind: 'unknown' }
  | { kind: 'above-root' };

/** Same test as Handlebars' `scopedId`: `this.x` and `./x` name the context, never a block param. */
export function isScoped(path: hbs.AST.PathExpression): boolean {
  return /^\.|this\b/.test(path.original);
}

export class ReferenceScope {
  private constructor(
    private readonly contexts: readonly ScopePath[],
    private readonly blockParameters: ReadonlyMap<string, BlockParameter>,
  ) {}

  static root(): ReferenceScope {
    return new ReferenceScope([[]], new Map());
  }

  /** The scope inside `{{#each list as |item index|}}`, given the resolved list. */
  enterEach(list: Resolution, parameterNames: readonly string[] = []): ReferenceScope {
    const item = list.kind === 'path' ? [...list.segments, ANY_ITEM] : undefined;
    return this.enter(item, parameterNames);
  }

  /** The scope inside `{{#with value as |name|}}`, given the resolved value. */
  enterWith(value: Resolution, parameterNames: readonly string[] = []): ReferenceScope {
    return this.enter(value.kind === 'path' ? value.segments : undefined, parameterNames);
  }

  resolve(path: hbs.AST.PathExpression): Resolution {
    if (path.data) {
      const isRoot = path.parts[0] === 'root' && path.depth === 0;
      return isRoot ? { kind: 'path', segments: path.parts.slice(1) } : { kind: 'data' };
    }
    const head = path.parts[0];
    const parameter =
      path.depth === 0 && !isScoped(path) && head !== undefined
        ? this.blockParameters.get(head)
        : undefined;
    if (parameter !== undefined) return resolveFrom(parameter, path.parts.slice(1));
    const index = this.contexts.length - 1 - path.depth;
    if (index < 0) return { kind: 'above-root' };
    return resolveFrom({ kind: 'value', path: this.contexts[index] }, path.parts);
  }

  /** The first block parameter is the value (item or context), the second is data (index/key). */
  private enter(context: ScopePath, parameterNames: readonly string[]): ReferenceScope {
    const parameters = new Map(this.blockParameters);
    parameterNames.forEach((name, position) => {
      parameters.set(name, position === 0 ? { kind: 'value', path: context } : { kind: 'data' });
    });
    return new ReferenceScope([...this.contexts, context], parameters);
  }
}

function resolveFrom(base: BlockParameter, rest: readonly string[]): Resolution {
  if (base.kind === 'data') return { kind: 'data' };
  if (base.path === undefined) return { kind: 'unknown' };
  return { kind: 'path', segments: [...base.path, ...rest] };
}

/** `['timeline', '[]', 'event']` → `timeline[].event`, for messages. */
export function formatReferencePath(segments: readonly string[]): string {
  return segments.reduce(
    (text, segment) =>
      segment === ANY_ITEM ? `${text}${ANY_ITEM}` : text === '' ? segment : `${text}.${segment}`,
    '',
  );
}
