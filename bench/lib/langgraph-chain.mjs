// @ts-check
/**
 * The same chain as a LangGraph.js StateGraph: one node per subtask doing what
 * warroom does for a subtask on its first turn — render the same Handlebars
 * template (warroom's parseTemplate/renderTemplate), call the same simulated model
 * with the same system prompt, extract the JSON (warroom's extractJson) and
 * validate it with ajv (draft 2020-12, allErrors, as warroom configures it).
 * Edges follow warroom's dependency graph; a subtask with several dependencies
 * joins them with a waiting edge. After the graph finishes, the aggregation
 * template is rendered, as warroom's report step does.
 */
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  extractJson,
  parseTemplate,
  renderJsonTemplate,
  renderTemplate,
} from '../../dist/index.js';

/**
 * @typedef {import('../../dist/index.js').PreparedChain} PreparedChain
 * @typedef {import('../../dist/index.js').LanguageModel} LanguageModel
 */

/** @param {number} number */
const nodeName = (number) => `subtask_${number}`;

/**
 * @param {Record<string, unknown>} left
 * @param {Record<string, unknown>} right
 */
const mergeOutputs = (left, right) => ({ ...left, ...right });

const ChainState = Annotation.Root({
  input: Annotation(),
  outputs: Annotation({ reducer: mergeOutputs, default: () => ({}) }),
});

/** @param {import('../../dist/index.js').GenerateResult} result */
function textOf(result) {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * @param {PreparedChain} prepared
 * @param {LanguageModel} model
 */
function subtaskNodes(prepared, model) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  addFormats.default(ajv);
  /** @type {Map<string, import('ajv').ValidateFunction>} */
  const validators = new Map();
  const runLabel = `${prepared.chain.id}/langgraph`;
  return [...prepared.subtasks].map(([number, item]) => {
    const template = parseTemplate(item.template.source, item.template.location);
    const { schema, schemaFile } = item.output;
    if (schema && schemaFile && !validators.has(schemaFile)) {
      validators.set(schemaFile, ajv.compile(schema));
    }
    const validate = schemaFile ? validators.get(schemaFile) : undefined;
    const temperature = item.persona.model.temperature;
    /** @param {typeof ChainState.State} state */
    const node = async (state) => {
      const input = /** @type {Record<string, unknown>} */ (state.input);
      const prompt = renderTemplate(template, { ...input, ...state.outputs });
      const result = await model.doGenerate({
        system: item.persona.systemPrompt,
        messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
        responseFormat:
          item.output.kind === 'json'
            ? { type: 'json', ...(schema ? { schema, name: `subtask_${number}_output` } : {}) }
            : { type: 'text' },
        ...(temperature !== undefined ? { temperature } : {}),
        callLabel: { run: runLabel, subtask: number, turn: 1 },
      });
      const text = textOf(result);
      /** @type {unknown} */
      let output = text.trim();
      if (item.output.kind === 'json') {
        const extracted = extractJson(text);
        if (!extracted.ok) throw new Error(`subtask ${number}: ${extracted.message}`);
        if (validate && !validate(extracted.value)) {
          throw new Error(`subtask ${number}: ${ajv.errorsText(validate.errors)}`);
        }
        output = extracted.value;
      }
      return { outputs: { [`subtask_${number}_output`]: output } };
    };
    return { number, dependencies: item.dependencies, node };
  });
}

/**
 * @typedef {object} LangGraphChain
 * @property {() => Promise<Record<string, unknown>>} invoke runs the graph, then the aggregation
 */

/**
 * @param {PreparedChain} prepared
 * @param {object} options
 * @param {LanguageModel} options.model
 * @param {boolean} options.checkpointer true: a MemorySaver checkpoints every superstep
 * @returns {LangGraphChain}
 */
export function buildLangGraphChain(prepared, { model, checkpointer }) {
  const nodes = subtaskNodes(prepared, model);
  // Node names are only known at run time: widen the node-name type parameter to string.
  const graph =
    /** @type {StateGraph<typeof ChainState, typeof ChainState.State, typeof ChainState.Update, string>} */ (
      new StateGraph(ChainState)
    );
  for (const { number, node } of nodes) graph.addNode(nodeName(number), node);
  const hasDependents = new Set(nodes.flatMap(({ dependencies }) => dependencies));
  for (const { number, dependencies } of nodes) {
    const name = nodeName(number);
    if (dependencies.length === 0) graph.addEdge(START, name);
    else if (dependencies.length === 1) graph.addEdge(nodeName(dependencies[0] ?? 0), name);
    else graph.addEdge(dependencies.map(nodeName), name);
    if (!hasDependents.has(number)) graph.addEdge(name, END);
  }
  const compiled = graph.compile(checkpointer ? { checkpointer: new MemorySaver() } : {});
  const input = /** @type {Record<string, unknown>} */ (prepared.input.value);
  // Enough supersteps for a long linear chain (LangGraph's default limit is 25).
  const recursionLimit = nodes.length + 10;
  let thread = 0;
  return {
    async invoke() {
      thread += 1;
      const state = await compiled.invoke(
        { input },
        { recursionLimit, ...(checkpointer ? { configurable: { thread_id: `t${thread}` } } : {}) },
      );
      const context = { ...input, ...state.outputs };
      if (!prepared.aggregation) return context;
      return /** @type {Record<string, unknown>} */ (
        renderJsonTemplate(prepared.aggregation, context)
      );
    },
  };
}
