/** An output path in a folder that does not exist is a coded error, not the temporary file's ENOENT. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { checkWritable } from '../../src/node.js';
import { rejectsWith } from '../assert-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-outdir-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('MISSING_FILE: the output folder does not exist; an existing folder is fine', async () => {
  await rejectsWith(checkWritable(join(dir, 'absent', 'model.onnx'), false), 'MISSING_FILE');
  await rejectsWith(checkWritable(join(dir, 'absent', 'model.onnx'), true), 'MISSING_FILE');
  await checkWritable(join(dir, 'model.onnx'), false);
});
