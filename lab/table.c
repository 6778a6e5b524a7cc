/* table.c - a table of strings printed as aligned text, CSV or Markdown.
 *
 * Plain text: columns two spaces apart, numeric columns right-aligned,
 * no trailing blanks.  CSV: RFC 4180 quoting.  Markdown: a pipe table with
 * '|' escaped.  Widths count UTF-8 characters, not bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

struct table {
	size_t ncols, nrows, cap;
	const char *const *head;
	const unsigned char *right;	/* per column: right-aligned */
	char **cells;			/* nrows * ncols, row-major */
};

struct table *table_new(size_t ncols, const char *const head[],
			const unsigned char right[])
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->head = head;
	t->right = right;
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

int table_add_row(struct table *t, const char *const cells[])
{
	size_t i, base = t->nrows * t->ncols;
	char **nc;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		nc = realloc(t->cells, cap * t->ncols * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		t->cells = nc;
		t->cap = cap;
	}
	for (i = 0; i < t->ncols; i++) {
		t->cells[base + i] = strdup(cells[i] ? cells[i] : "");
		if (!t->cells[base + i]) {
			while (i-- > 0)
				free(t->cells[base + i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static const char *cell(const struct table *t, size_t row, size_t col)
{
	return row == 0 ? t->head[col] : t->cells[(row - 1) * t->ncols + col];
}

static void pad(FILE *f, size_t n)
{
	while (n-- > 0)
		fputc(' ', f);
}

static void print_plain(const struct table *t, FILE *f, const size_t *w)
{
	size_t r, c, last;

	for (r = 0; r <= t->nrows; r++) {
		for (last = t->ncols; last > 1 && !*cell(t, r, last - 1);)
			last--;
		for (c = 0; c < last; c++) {
			const char *s = cell(t, r, c);
			size_t gap = w[c] - text_width(s);

			if (c)
				fputs("  ", f);
			if (t->right[c])
				pad(f, gap);
			fputs(s, f);
			if (!t->right[c] && c + 1 < last)
				pad(f, gap);
		}
		fputc('\n', f);
	}
}

static void print_csv_cell(FILE *f, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")] && s[0] != ' ') {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_csv(const struct table *t, FILE *f)
{
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', f);
			print_csv_cell(f, cell(t, r, c));
		}
		fputc('\n', f);
	}
}

static void print_md_cell(FILE *f, const char *s)
{
	fputc(' ', f);
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputs(" |", f);
}

static void print_markdown(const struct table *t, FILE *f)
{
	size_t r, c;

	for (r = 0; r <= t->nrows; r++) {
		fputc('|', f);
		for (c = 0; c < t->ncols; c++)
			print_md_cell(f, cell(t, r, c));
		fputc('\n', f);
		if (r > 0)
			continue;
		fputc('|', f);
		for (c = 0; c < t->ncols; c++)
			fputs(t->right[c] ? " ---: |" : " --- |", f);
		fputc('\n', f);
	}
}

int table_print(const struct table *t, enum table_fmt fmt, FILE *f)
{
	size_t *w, r, c, n;

	if (fmt == TABLE_CSV) {
		print_csv(t, f);
	} else if (fmt == TABLE_MARKDOWN) {
		print_markdown(t, f);
	} else {
		w = calloc(t->ncols, sizeof(*w));
		if (!w)
			return -ENOMEM;
		for (r = 0; r <= t->nrows; r++)
			for (c = 0; c < t->ncols; c++) {
				n = text_width(cell(t, r, c));
				w[c] = n > w[c] ? n : w[c];
			}
		print_plain(t, f, w);
		free(w);
	}
	return ferror(f) ? -EIO : 0;
}
