/*
 * read_txt.c: read an nnport TXT export with the C standard library only (C99).
 *
 *   cc -std=c99 -O2 -o read_txt read_txt.c
 *   ./read_txt model.txt           one summary line per tensor
 *   ./read_txt model.txt --dump    every tensor header and value, one value per line
 *
 * The format (docs/formats/txt.md), line by line:
 *
 *   nnport-txt 1
 *   metadata {one-line JSON}              optional
 *   graph {one-line JSON}                 optional
 *   tensor NAME DTYPE RANK D1 D2 ...      per tensor; NAME is bare, or a JSON string when it has
 *   meta {one-line JSON}                  optional        blanks, quotes or control characters
 *   v v v ...                             values: one row of the last dimension per line, C order
 *
 * Floats are the shortest decimals of their dtype, so strtod() gives the nearest double and
 * (float)strtod() the exact float32 (`NaN`, `Infinity`, `-Infinity` and `NaN(0x7fc00001)` are
 * accepted by strtod too; the NaN's payload needs the hex digits if it matters). Integers are exact
 * decimals: strtoll()/strtoull() read int64/uint64 in full.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of any length, without its LF or CRLF; NULL at end of file. */
static char *read_line(FILE *f) {
  size_t cap = 256, len = 0;
  char *buf = malloc(cap);
  int c;
  if (buf == NULL) return NULL;
  while ((c = fgetc(f)) != EOF && c != '\n') {
    if (len + 1 >= cap) {
      char *grown = realloc(buf, cap *= 2);
      if (grown == NULL) { free(buf); return NULL; }
      buf = grown;
    }
    buf[len++] = (char)c;
  }
  if (c == EOF && len == 0) { free(buf); return NULL; }
  if (len > 0 && buf[len - 1] == '\r') len--;
  buf[len] = '\0';
  return buf;
}

/* Appends code point cp to out as UTF-8. */
static char *put_utf8(char *out, unsigned long cp) {
  if (cp < 0x80) { *out++ = (char)cp; }
  else if (cp < 0x800) { *out++ = (char)(0xc0 | (cp >> 6)); *out++ = (char)(0x80 | (cp & 0x3f)); }
  else if (cp < 0x10000) {
    *out++ = (char)(0xe0 | (cp >> 12)); *out++ = (char)(0x80 | ((cp >> 6) & 0x3f)); *out++ = (char)(0x80 | (cp & 0x3f));
  } else {
    *out++ = (char)(0xf0 | (cp >> 18)); *out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
    *out++ = (char)(0x80 | ((cp >> 6) & 0x3f)); *out++ = (char)(0x80 | (cp & 0x3f));
  }
  return out;
}

/*
 * Decodes the JSON string starting at *p (at its opening quote) into a new UTF-8 string and moves
 * *p past the closing quote. Returns NULL on a malformed string.
 */
static char *json_string(char **p) {
  const char *s = *p + 1;
  char *out = malloc(strlen(s) * 3 + 1), *o = out;
  if (out == NULL) return NULL;
  while (*s && *s != '"') {
    if (*s != '\\') { *o++ = *s++; continue; }
    s++;
    switch (*s++) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '/': *o++ = '/'; break;
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        char hex[5] = {0};
        unsigned long cp;
        strncpy(hex, s, 4);
        cp = strtoul(hex, NULL, 16);
        s += strlen(hex);
        if (cp >= 0xd800 && cp < 0xdc00 && s[0] == '\\' && s[1] == 'u') {
          unsigned long lo;
          strncpy(hex, s + 2, 4);
          lo = strtoul(hex, NULL, 16);
          if (lo >= 0xdc00 && lo < 0xe000) { cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00); s += 6; }
        }
        o = put_utf8(o, cp); /* a lone surrogate is written in its 3-byte form */
        break;
      }
      default: free(out); return NULL;
    }
  }
  if (*s != '"') { free(out); return NULL; }
  *o = '\0';
  *p = (char *)s + 1;
  return out;
}

static int is_float(const char *dtype) {
  return strcmp(dtype, "float64") == 0 || strcmp(dtype, "float32") == 0 || strcmp(dtype, "float16") == 0 ||
         strcmp(dtype, "bfloat16") == 0;
}

static void fail(long line, const char *what) {
  fprintf(stderr, "read_txt: line %ld: %s\n", line, what);
  exit(1);
}

/* Copies the next blank-separated word of *p into out (at most size-1 bytes); 0 when none. */
static int word(char **p, char *out, size_t size) {
  size_t n;
  *p += strspn(*p, " \t");
  n = strcspn(*p, " \t");
  if (n == 0 || n >= size) return 0;
  memcpy(out, *p, n);
  out[n] = '\0';
  *p += n;
  return 1;
}

/* Reads one value of `dtype` at *p; prints it with --dump; adds it to *sum. */
static void value(char **p, const char *dtype, int dump, double *sum, long lineno) {
  char *end;
  errno = 0;
  if (is_float(dtype)) {
    double v = strtod(*p, &end);
    if (dump) printf("%.17g\n", v);
    *sum += v;
  } else if (strncmp(dtype, "uint", 4) == 0) {
    unsigned long long v = strtoull(*p, &end, 10);
    if (dump) printf("%llu\n", v);
    *sum += (double)v;
  } else {
    long long v = strtoll(*p, &end, 10); /* int8..int64, and bool as 1/0 */
    if (dump) printf("%lld\n", v);
    *sum += (double)v;
  }
  /* strtod sets ERANGE for subnormal results too, which are valid values; for integers it means overflow. */
  if (end == *p || (errno == ERANGE && !is_float(dtype))) fail(lineno, "bad value");
  *p = end;
}

int main(int argc, char **argv) {
  FILE *f;
  char *line;
  long lineno = 1;
  int dump = argc > 2 && strcmp(argv[2], "--dump") == 0;
  if (argc < 2) { fprintf(stderr, "usage: read_txt FILE.txt [--dump]\n"); return 2; }
  f = fopen(argv[1], "rb");
  if (f == NULL) { perror(argv[1]); return 2; }
  line = read_line(f);
  if (line == NULL || strncmp(line, "nnport-txt 1", 12) != 0) fail(1, "not an nnport TXT file");
  free(line);

  while ((line = read_line(f)) != NULL) {
    char *p = line, *name, dtype[16], number[32];
    long rank, d, rows, r, k;
    long long shape[64], count = 1, row_length;
    double sum = 0;
    lineno++;
    /* Header lines this reader does not need (a full reader would parse their JSON). */
    if (line[0] == '\0' || strncmp(line, "metadata ", 9) == 0 || strncmp(line, "graph ", 6) == 0 ||
        strncmp(line, "meta ", 5) == 0) {
      free(line);
      continue;
    }
    if (strncmp(line, "tensor ", 7) != 0) fail(lineno, "expected a tensor line");
    p += 7;
    if (*p == '"') {
      name = json_string(&p);
      if (name == NULL) fail(lineno, "bad quoted name");
    } else {
      size_t n = strcspn(p, " \t");
      name = malloc(n + 1);
      memcpy(name, p, n);
      name[n] = '\0';
      p += n;
    }
    if (!word(&p, dtype, sizeof dtype) || !word(&p, number, sizeof number)) fail(lineno, "bad tensor line");
    rank = strtol(number, NULL, 10);
    if (rank < 0 || rank > 64) fail(lineno, "bad rank");
    for (d = 0; d < rank; d++) {
      if (!word(&p, number, sizeof number)) fail(lineno, "missing dimension");
      shape[d] = strtoll(number, NULL, 10);
      count *= shape[d];
    }
    if (dump) {
      printf("tensor\n%s\n%s %ld", name, dtype, rank);
      for (d = 0; d < rank; d++) printf(" %lld", shape[d]);
      printf("\n");
    }
    free(line);

    /* The value lines: one row of the last dimension each (a scalar: one line of one value). */
    row_length = rank == 0 ? 1 : shape[rank - 1];
    rows = count == 0 ? 0 : (long)(count / row_length);
    for (r = 0; r < rows; r++) {
      line = read_line(f);
      lineno++;
      if (line == NULL) fail(lineno, "file ends inside a tensor");
      if (r == 0 && strncmp(line, "meta ", 5) == 0) {
        free(line);
        r--;
        continue;
      }
      p = line;
      for (k = 0; k < row_length; k++) value(&p, dtype, dump, &sum, lineno);
      free(line);
    }
    if (!dump) printf("%s %s rank %ld: %lld values, sum %g\n", name, dtype, rank, count, sum);
    free(name);
  }
  fclose(f);
  return 0;
}
