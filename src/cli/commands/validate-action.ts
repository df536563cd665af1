/** `warroom validate <chain>`: every static problem, each as `file:line: message`; exit 2 on errors. */
import type { Chain, PreparedChain } from '../../index.js';
import { type CliIo, countSummary, printDiagnostics, shownPath } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { type DefinitionOptions, hasErrors, loadPrepared, openTools } from './load-prepared.js';

interface ValidateOptions extends Omit<DefinitionOptions, 'chain'> {
  json?: boolean;
}

export default async function validateAction(
  io: CliIo,
  chainSpec: string,
  options: ValidateOptions,
): Promise<number> {
  const tools = await openTools(io, options);
  const { diagnostics, prepared, chainFile } = await loadPrepared(
    io,
    { ...options, chain: chainSpec },
    tools.registry,
  ).finally(() => tools.close());
  const failed = hasErrors(diagnostics);
  if (options.json) {
    const { loadChain } = await import('../../index.js');
    const chain = prepared?.chain ?? (await loadChain(chainFile)).chain;
    const document = {
      ok: !failed,
      chain: chain ? describeChain(io, chain, prepared) : null,
      diagnostics: diagnostics.map((d) => ({ ...d, file: shownPath(io, d.file) })),
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return failed ? exitCodes.usage : exitCodes.ok;
  }
  printDiagnostics(io, diagnostics);
  const where = shownPath(io, chainFile);
  io.stderr(
    failed
      ? `${where}: ${countSummary(diagnostics)}\n`
      : `${where}: ok (${countSummary(diagnostics)})\n`,
  );
  return failed ? exitCodes.usage : exitCodes.ok;
}

function describeChain(io: CliIo, chain: Chain, prepared: PreparedChain | undefined) {
  return {
    id: chain.id,
    version: chain.version,
    title: chain.title,
    file: shownPath(io, chain.file),
    subtasks: chain.subtasks.map((subtask) => {
      const item = prepared?.subtasks.get(subtask.number);
      return {
        number: subtask.number,
        title: subtask.title,
        line: subtask.line,
        agent: subtask.agent?.text ?? null,
        persona: item?.persona.id ?? subtask.persona?.text ?? null,
        inputs: subtask.inputVariables?.names ?? [],
        outputs: subtask.outputVariables?.names ?? [],
        dependencies: prepared?.graph.dependencies.get(subtask.number) ?? subtask.dependsOn,
        outputFormat:
          item?.output.kind === 'json' || subtask.outputFormat.kind === 'json'
            ? 'json'
            : subtask.outputFormat.kind,
        schema: item?.output.schemaFile
          ? shownPath(io, item.output.schemaFile)
          : (subtask.schemaPath?.text ?? null),
      };
    }),
    order: prepared?.graph.order ?? [],
  };
}
