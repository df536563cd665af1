import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaValidator, loadSchemaFile } from '../../src/schema/index.js';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'warroom-schema-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function schemaFile(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('loadSchemaFile', () => {
  it('loads a schema and compiles it into the given validator under its path', async () => {
    const path = await schemaFile('ok.schema.json', '{"type": "object", "required": ["a"]}');
    const validator = createSchemaValidator();
    const result = await loadSchemaFile(path, { validator });
    expect(result).toEqual({ ok: true, schema: { type: 'object', required: ['a'] } });
    expect(validator.validate(path, {})).toHaveLength(1);
  });

  it('reports a missing file as SCHEMA_MISSING naming the path', async () => {
    const path = join(directory, 'absent.schema.json');
    const result = await loadSchemaFile(path);
    expect(result).toMatchObject({ ok: false, diagnostic: { file: path, code: 'SCHEMA_MISSING' } });
    expect(result.ok || result.diagnostic.message).toContain(path);
  });

  it('reports bad JSON as SCHEMA_JSON at the line of the error', async () => {
    const path = await schemaFile(
      'bad.schema.json',
      '{\n  "type": "object",\n  "properties": {,\n}',
    );
    const result = await loadSchemaFile(path);
    expect(result).toMatchObject({
      ok: false,
      diagnostic: { file: path, line: 3, severity: 'error', code: 'SCHEMA_JSON' },
    });
  });

  it('reports a schema ajv rejects as SCHEMA_INVALID at line 1', async () => {
    const path = await schemaFile('invalid.schema.json', '{"type": "object", "required": "a"}');
    const result = await loadSchemaFile(path);
    expect(result).toMatchObject({ ok: false, diagnostic: { line: 1, code: 'SCHEMA_INVALID' } });
  });

  it('rejects a file that holds JSON but not an object', async () => {
    const path = await schemaFile('array.schema.json', '[]');
    const result = await loadSchemaFile(path);
    expect(result).toMatchObject({ ok: false, diagnostic: { code: 'SCHEMA_INVALID' } });
  });
});
