/**
 * Runs the nnport CLI in this process and, when it ends, prints its wall time and peak resident
 * memory (worker threads included: they share the process) as one JSON line on stderr. Used by
 * the benchmark so nnport and the Python peers are measured the same way.
 */
import { main } from '../src/cli/run.js';

const start = process.hrtime.bigint();
const code = await main(process.argv.slice(2));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
// resourceUsage().maxRSS is in KiB on Linux
process.stderr.write(`${JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
process.exitCode = code;
