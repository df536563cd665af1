#!/usr/bin/env node
/**
 * cli/: the `warroom` command — commander commands, terminal output, exit codes.
 * A thin shell over the library API; no business rules here.
 */
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
