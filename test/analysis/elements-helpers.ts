/** Checks shared by the element tests: XML well-formedness by a real parser, and counting matches. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Python peer (its standard library's minidom is the XML parser). */
export const PYTHON = '/usr/bin/python3';

/** Parses a document with Python's minidom (a real XML parser): fails the test on a malformed one. */
export async function assertWellFormedXml(svg: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'nnport-svg-'));
  try {
    const file = join(dir, 'plot.svg');
    await writeFile(file, svg);
    const r = spawnSync(
      PYTHON,
      ['-c', 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])', file],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, `minidom rejected the SVG: ${r.stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Number of matches of a global regular expression. */
export function count(text: string, re: RegExp): number {
  return [...text.matchAll(re)].length;
}

/** Edge lines of DOT output (`  n0 -> n1;`). */
export const DOT_EDGE = /^ {2}n\d+ -> n\d+;$/gm;
