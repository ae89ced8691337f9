#!/usr/bin/env node
/** The `nnport` executable: runs the CLI and sets the exit code (see run.ts). */
import { main } from './run.js';

process.exitCode = await main(process.argv.slice(2));
