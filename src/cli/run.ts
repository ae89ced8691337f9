/**
 * The `nnport` command: wires arguments to commands and maps errors to exit codes (STYLE habit 15).
 * Exit 0 success, 1 a finding (diff found a difference), 2 usage or unreadable input. Errors are
 * one line on stderr; a stack trace only with --debug (DESIGN §3).
 */
import { isNnportError } from '../core/errors.js';
import { closeAllFiles } from '../node/file-source.js';
import { CONVERT_HELP, convert } from './commands/convert.js';
import { DIFF_HELP, diff } from './commands/diff.js';
import { FORMATS_HELP, listFormats } from './commands/formats.js';
import { INSPECT_HELP, inspect } from './commands/inspect.js';
import { RUN_HELP, run } from './commands/run.js';
import { SCAN_HELP, scan } from './commands/scan.js';
import { VERIFY_HELP, verify } from './commands/verify.js';
import { nnportVersion } from './version.js';

interface Command {
  readonly help: string;
  readonly summary: string;
  run(argv: string[]): Promise<number> | number;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  inspect: { help: INSPECT_HELP, summary: 'show the tensors (and metadata, graph) of a model', run: inspect },
  convert: { help: CONVERT_HELP, summary: 'convert a model to another format', run: convert },
  diff: { help: DIFF_HELP, summary: 'compare two models tensor by tensor', run: diff },
  run: { help: RUN_HELP, summary: "run a model's graph on .npy inputs, outputs to .npz", run },
  verify: {
    help: VERIFY_HELP,
    summary: 'run two models on the same inputs and compare their outputs',
    run: verify,
  },
  scan: {
    help: SCAN_HELP,
    summary: 'list what the pickles in a file would import and call, without running them',
    run: scan,
  },
  formats: { help: FORMATS_HELP, summary: 'list the formats nnport reads and writes', run: listFormats },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const list = Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n');
  return `nnport: move neural networks between file formats and into plain sight

usage: nnport COMMAND [options]   (nnport COMMAND --help for details and examples)

commands:
${list}

examples:
  nnport inspect model.safetensors
  nnport convert model.safetensors model.json
  nnport convert weights.npz --to csv
  nnport diff model.safetensors model.json
  nnport run model.onnx --input x=x.npy --output y.npz
  nnport verify model.onnx model.json
  nnport scan downloaded.pt

exit status: 0 success, 1 a finding (a difference, something unsafe), 2 usage error or unreadable input`;
}

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? rest[0] : undefined;
      const cmd = topic === undefined ? undefined : COMMANDS[topic];
      process.stdout.write(`${cmd ? cmd.help : mainHelp()}\n`);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-V') {
      process.stdout.write(`${nnportVersion()}\n`);
      return 0;
    }
    const cmd = COMMANDS[name];
    if (cmd === undefined) {
      process.stderr.write(`nnport: error: unknown command '${name}' (try nnport --help)\n`);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${cmd.help}\n`);
      return 0;
    }
    return await cmd.run(rest);
  } catch (e) {
    if (isNnportError(e)) {
      process.stderr.write(`nnport: error: ${e.message}\n`);
      if (e.code === 'USAGE') process.stderr.write(`(nnport ${name} --help shows usage)\n`);
    } else {
      process.stderr.write(`nnport: error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 2;
  } finally {
    await closeAllFiles();
  }
}
