/**
 * File names for the CSV matrix layout: one file per tensor, named after the tensor so people find
 * it, but safe on every file system (docs/formats/csv.md, "File names").
 */

/** Longest file name stem: most file systems stop at 255 bytes per name; leave room for `_N.csv`. */
const MAX_STEM = 200;

/**
 * Device names Windows refuses as file names whatever the extension (`CON.csv` opens the console):
 * Microsoft, "Naming Files, Paths, and Namespaces".
 */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/**
 * The safe stem for a tensor name: every byte outside `[A-Za-z0-9._-]` becomes `_` (per UTF-16
 * unit, so the result is ASCII), cut to MAX_STEM; a stem that is empty, starts with `.` (hidden
 * files, `.` and `..`) or `-` (read as an option by command-line tools) or is a Windows device
 * name gets a leading `_`.
 */
export function safeStem(name: string): string {
  let stem = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_STEM);
  if (stem === '' || stem.startsWith('.') || stem.startsWith('-') || WINDOWS_RESERVED.test(stem))
    stem = `_${stem}`;
  return stem;
}

/**
 * File names for tensors in order: `safeStem(name).csv`, de-duplicated deterministically by
 * appending `_2`, `_3`, ... to the stem. Names are compared case-insensitively, since macOS and
 * Windows file systems would merge `A.csv` and `a.csv`; `manifest.json` cannot collide (every
 * tensor file ends in `.csv`).
 */
export function tensorFileNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const stem = safeStem(name);
    let file = `${stem}.csv`;
    for (let k = 2; used.has(file.toLowerCase()); k++) file = `${stem}_${k}.csv`;
    used.add(file.toLowerCase());
    return file;
  });
}
