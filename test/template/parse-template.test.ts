import { describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import { parseTemplate, type TemplateReference } from '../../src/template/index.js';

/** The template's first line is line 40 of the chain file. */
const location = { file: 'chains/db-outage.md', line: 40, subtask: 3 };

function references(source: string): Pick<TemplateReference, 'path' | 'text' | 'optional'>[] {
  return parseTemplate(source, location).references.map(({ path, text, optional }) => ({
    path,
    text,
    optional,
  }));
}

function parseError(source: string): WarroomError {
  try {
    parseTemplate(source, location);
  } catch (error) {
    if (WarroomError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a WarroomError, nothing was thrown');
}

describe('reference extraction', () => {
  it('reports root paths with absolute line and 1-based column', () => {
    const source =
      'Incident {{incident_id}}\nCause: {{subtask_2_output.root_cause_analysis.primary_root_cause}}';
    expect(parseTemplate(source, location).references).toEqual([
      { path: ['incident_id'], text: 'incident_id', line: 40, column: 12, optional: false },
      {
        path: ['subtask_2_output', 'root_cause_analysis', 'primary_root_cause'],
        text: 'subtask_2_output.root_cause_analysis.primary_root_cause',
        line: 41,
        column: 10,
        optional: false,
      },
    ]);
  });

  it('resolves paths inside #each to any item, with this, ../ and @root', () => {
    const source =
      '{{#each subtask_2_output.timeline}}{{event}} {{this.at}} {{this}} {{../incident_id}} {{@root.service}}{{/each}}';
    expect(references(source)).toEqual([
      {
        path: ['subtask_2_output', 'timeline'],
        text: 'subtask_2_output.timeline',
        optional: false,
      },
      { path: ['subtask_2_output', 'timeline', '[]', 'event'], text: 'event', optional: false },
      { path: ['subtask_2_output', 'timeline', '[]', 'at'], text: 'this.at', optional: false },
      { path: ['subtask_2_output', 'timeline', '[]'], text: 'this', optional: false },
      { path: ['incident_id'], text: '../incident_id', optional: false },
      { path: ['service'], text: '@root.service', optional: false },
    ]);
  });

  it('resolves nested #each, #with and block parameters', () => {
    const source =
      '{{#with subtask_1_output as |triage|}}{{severity}}{{#each hosts as |host i|}}{{host.name}}{{i}}{{triage.id}}{{../owner}}{{/each}}{{/with}}';
    expect(references(source).map((reference) => reference.path)).toEqual([
      ['subtask_1_output'],
      ['subtask_1_output', 'severity'],
      ['subtask_1_output', 'hosts'],
      ['subtask_1_output', 'hosts', '[]', 'name'],
      ['subtask_1_output', 'id'],
      ['subtask_1_output', 'owner'],
    ]);
  });

  it('does not let #if/#unless change the scope of ../', () => {
    const source = '{{#each items}}{{#if flag}}{{../title}}{{/if}}{{/each}}';
    expect(references(source).at(-1)?.path).toEqual(['title']);
  });

  it('runs the {{else}} of #each in the outer scope', () => {
    const source = '{{#each items}}{{name}}{{else}}{{empty_message}}{{/each}}';
    expect(references(source).at(-1)?.path).toEqual(['empty_message']);
  });

  it('marks #if/#unless conditions and default first arguments optional', () => {
    const source =
      '{{#if (gt (length alerts) 0)}}{{alerts}}{{/if}}{{#unless muted}}x{{/unless}}{{default owner team}}';
    expect(references(source)).toEqual([
      { path: ['alerts'], text: 'alerts', optional: true },
      { path: ['alerts'], text: 'alerts', optional: false },
      { path: ['muted'], text: 'muted', optional: true },
      { path: ['owner'], text: 'owner', optional: true },
      { path: ['team'], text: 'team', optional: false },
    ]);
  });

  it('collects helper and sub-expression arguments but not helper names, literals or data variables', () => {
    expect(
      references('{{#each list}}{{@index}}{{@key}}{{/each}}{{join (default tags names) ", "}}'),
    ).toEqual([
      { path: ['list'], text: 'list', optional: false },
      { path: ['tags'], text: 'tags', optional: true },
      { path: ['names'], text: 'names', optional: false },
    ]);
  });

  it('omits references relative to a block whose argument is a sub-expression', () => {
    // The item's shape is only known at render time; ../ and @root still resolve.
    const source = '{{#each (default picked all)}}{{name}}{{../title}}{{@root.id}}{{/each}}';
    expect(references(source).map((reference) => reference.path)).toEqual([
      ['picked'],
      ['all'],
      ['title'],
      ['id'],
    ]);
  });
});

describe('parse errors', () => {
  it('reports the opening line of an unclosed block, in one line', () => {
    const error = parseError('Intro\n{{#each alerts}}\n- {{name}}\nEnd');
    expect(error.code).toBe('TEMPLATE_PARSE');
    expect(error.context).toMatchObject({ file: 'chains/db-outage.md', line: 41, subtask: 3 });
    expect(error.message).toBe('{{#each}} is never closed; add {{/each}} (subtask 3, line 41)');
  });

  it('reports the line of a syntax error without the multi-line excerpt', () => {
    const error = parseError('one\ntwo\nthree {{name');
    expect(error.context.line).toBe(42);
    expect(error.message).not.toContain('\n');
    expect(error.message).toBe(
      'invalid template syntax: unexpected character (subtask 3, line 42)',
    );
  });

  it('names the unexpected token and a short expected list', () => {
    expect(parseError('a\n{{else}}').message).toBe(
      'invalid template syntax: unexpected {{else}} (expected end of template) (subtask 3, line 41)',
    );
  });

  it('reports a mismatched closing tag at its line', () => {
    const error = parseError('{{#each a}}\n{{/with}}');
    expect(error.message).toBe(
      "invalid template syntax: each doesn't match with (subtask 3, line 40)",
    );
  });

  it('rejects unknown helpers, block helpers and partials when parsing', () => {
    expect(parseError('\n{{shout name}}').message).toContain('unknown helper "shout"');
    expect(parseError('\n{{shout name}}').context.line).toBe(41);
    expect(parseError('{{#items}}x{{/items}}').message).toContain('unknown block helper "#items"');
    expect(parseError('{{> header}}').message).toContain('partials');
  });

  it('checks helper arity, hinting at this. for a variable named like a helper', () => {
    expect(parseError('{{eq a}}').message).toContain('eq takes 2 argument(s), got 1');
    expect(parseError('{{length}}').message).toContain('write {{this.length}}');
  });

  it('rejects ../ above the top-level scope', () => {
    expect(parseError('{{../incident_id}}').message).toContain('climbs above the top-level scope');
  });
});
