#!/usr/bin/env node
/** `run-chain …` is `warroom run-chain …`. */
import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { addRunChainOptions, runCli } from './program.js';

const build = (io: CliIo): Command =>
  addRunChainOptions(
    new Command('run-chain')
      .description('run a chain on an incident and write the report')
      .option('--debug', 'show stack traces and error causes')
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
      .exitOverride(),
    io,
  );

process.exitCode = await runCli(process.argv, undefined, build);
