/**
 * Tensor names on TXT `tensor` lines: bare when a reader splitting the line at blanks gets them
 * back unchanged, otherwise a JSON string (docs/formats/txt.md).
 */

/**
 * Characters that force quoting: any Unicode white space (`\s`), control characters (`\p{Cc}`:
 * C0, DEL, C1), lone surrogates (`\p{Cs}`, which UTF-8 cannot carry), and `"` (a bare name
 * must not look like a quoted one).
 */
const NEEDS_QUOTES = /[\s\p{Cc}\p{Cs}"]/u;

/** The name as written on a `tensor` line: bare, or a JSON string when it is empty or has blanks, controls or quotes. */
export function txtName(name: string): string {
  return name === '' || NEEDS_QUOTES.test(name) ? JSON.stringify(name) : name;
}
