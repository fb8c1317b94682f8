/* input.c -- the format registry and the readers that split input into
 * records: lines, and CSV rows with libcsv. */
#include "fastpost.h"
#include "format.h"
#include "grow.h"
#include "text.h"

#include <csv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define IG_MAX_COLUMNS 32

const ig_format_t *const ig_formats[] = {&ig_format_jsonl,    &ig_format_twcs,
                                         &ig_format_twitter1, &ig_format_twitter2,
                                         &ig_format_mastodon, NULL};

const ig_format_t *ig_format_find(const char *name)
{
    for (int i = 0; ig_formats[i]; i++) {
        if (strcmp(ig_formats[i]->name, name) == 0) {
            return ig_formats[i];
        }
    }
    return NULL;
}

int ig_reject(ig_result_t *res, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->reason, sizeof res->reason, fmt, ap);
    va_end(ap);
    ig_utf8_scrub(res->reason); /* it may quote the bad bytes */
    res->code = code;
    return -1;
}

/* ---- lines ---------------------------------------------------------------- */

/* 3 when line lineno (from 1) starts a file with a UTF-8 byte order mark,
 * which editors and spreadsheet exports write: it marks the encoding and is
 * no part of the first record (jansson refuses it; cJSON skipped it, so the
 * same line was a post or not depending on which read it). Else 0. */
static size_t ig_bom(const char *s, size_t len, int64_t lineno)
{
    return lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

static int read_lines(FILE *in, ig_record_fn fn, void *ctx, char *err, size_t errlen)
{
    char *line = NULL;
    size_t cap = 0;
    int64_t lineno = 0;
    int64_t number = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = getline(&line, &cap, in);
        if (n < 0) {
            break;
        }
        lineno++;
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            len--;
        }
        line[len] = '\0';
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t')) {
            k++;
        }
        if (k == len) {
            continue;
        }
        size_t bom = ig_bom(line, len, lineno);
        ig_record_t rec = {
            .data = line + bom, .len = len - bom, .number = ++number, .line = lineno};
        if (fn(ctx, &rec, NULL, NULL) != 0) {
            rc = -1;
            goto out;
        }
    }
    if (ferror(in)) {
        snprintf(err, errlen, "read error after line %lld", (long long)lineno);
        rc = -1;
    }
out:
    free(line);
    return rc;
}

int ig_read_mem(const char *data, size_t size, ig_record_fn fn, void *ctx)
{
    const char *p = data, *end = data + size;
    int64_t lineno = 0;
    int64_t number = 0;
    while (p < end) {
        /* the lines getline() would return, with the same trimming */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *next = nl ? nl + 1 : end;
        lineno++;
        while (len > 0 && p[len - 1] == '\r') {
            len--;
        }
        size_t k = 0;
        while (k < len && (p[k] == ' ' || p[k] == '\t')) {
            k++;
        }
        if (k < len) {
            size_t bom = ig_bom(p, len, lineno);
            ig_record_t rec = {
                .data = p + bom, .len = len - bom, .number = ++number, .line = lineno};
            if (fn(ctx, &rec, NULL, NULL) != 0) {
                return -1;
            }
        }
        p = next;
    }
    return 0;
}

/* ---- CSV ------------------------------------------------------------------ */

typedef struct csv_state {
    const ig_format_t *fmt;  /* borrowed */
    ig_record_fn fn;         /* the caller's callback */
    void *ctx;               /* its context */
    char **fields;           /* the current row's fields, malloc'd copies */
    size_t *flen;            /* their lengths */
    size_t nfields;          /* fields in the current row */
    size_t cap;              /* entries allocated in fields and flen */
    int row_done;            /* libcsv reported the end of a row */
    int oom;                 /* a field could not be stored */
    int decided;             /* header present or not is known */
    size_t ncols;            /* fields every row must have */
    size_t ncolumns;         /* columns the format wants */
    int map[IG_MAX_COLUMNS]; /* map[k]: file column of fmt->columns[k] */
    int64_t number;          /* data rows seen */
    char *err;               /* the caller's error buffer */
    size_t errlen;           /* its size */
} csv_state_t;

static void on_field(void *s, size_t len, void *data)
{
    csv_state_t *st = data;
    if (oc_grow2(&st->fields, sizeof *st->fields, &st->flen, sizeof *st->flen, &st->cap,
                 st->nfields, 16) != 0) {
        st->oom = 1;
        return;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        st->oom = 1;
        return;
    }
    if (len > 0) {
        memcpy(copy, s, len);
    }
    copy[len] = '\0';
    st->fields[st->nfields] = copy;
    st->flen[st->nfields] = len;
    st->nfields++;
}

static void on_row(int c, void *data)
{
    csv_state_t *st = data;
    st->row_done = 1;
}

static void clear_fields(csv_state_t *st)
{
    for (size_t i = 0; i < st->nfields; i++) {
        free(st->fields[i]);
    }
    st->nfields = 0;
    st->row_done = 0;
}

/* Only LF ends a row, so a stray CR inside a field stays in it; CR is the
 * only "space", so the CR of a CRLF line end is trimmed and spaces are kept
 * as the data has them (as Python's csv module does). */
static int is_term(unsigned char c)
{
    return c == '\n';
}

static int is_space(unsigned char c)
{
    return c == '\r';
}

static void parser_init(struct csv_parser *p)
{
    csv_init(p, CSV_APPEND_NULL);
    csv_set_term_func(p, is_term);
    csv_set_space_func(p, is_space);
}

static int header(csv_state_t *st)
{
    const ig_format_t *fmt = st->fmt;
    if (st->nfields > IG_MAX_COLUMNS) {
        snprintf(st->err, st->errlen, "header has %zu columns; at most %d are supported",
                 st->nfields, IG_MAX_COLUMNS);
        return -1;
    }
    for (size_t k = 0; k < st->ncolumns; k++) {
        st->map[k] = -1;
        for (size_t j = 0; j < st->nfields; j++) {
            if (strcmp(st->fields[j], fmt->columns[k]) == 0) {
                st->map[k] = (int)j;
                break;
            }
        }
        if (st->map[k] < 0) {
            snprintf(st->err, st->errlen, "header has no column '%s'; format %s needs the columns",
                     fmt->columns[k], fmt->name);
            size_t used = strlen(st->err);
            for (size_t i = 0; i < st->ncolumns && used + 2 < st->errlen; i++) {
                int w = snprintf(st->err + used, st->errlen - used, "%s%s", i ? "," : " ",
                                 fmt->columns[i]);
                if (w < 0) {
                    break;
                }
                used += (size_t)w;
            }
            return -1;
        }
    }
    st->ncols = st->nfields;
    return 0;
}

/* Hands one finished row to the callback. raw holds its bytes. */
static int row(csv_state_t *st, const char *raw, size_t rawlen, int64_t line)
{
    while (rawlen > 0 && (raw[0] == '\n' || raw[0] == '\r')) {
        line += raw[0] == '\n';
        raw++;
        rawlen--;
    }
    while (rawlen > 0 && (raw[rawlen - 1] == '\n' || raw[rawlen - 1] == '\r')) {
        rawlen--;
    }
    if (!st->decided) {
        st->decided = 1;
        for (size_t j = 0; j < st->nfields; j++) {
            if (strcmp(st->fields[j], st->fmt->columns[0]) == 0) {
                return header(st);
            }
        }
        st->ncols = st->ncolumns;
        for (size_t k = 0; k < st->ncolumns; k++) {
            st->map[k] = (int)k;
        }
    }
    ig_record_t rec = {.data = raw, .len = rawlen, .number = ++st->number, .line = line};
    if (st->nfields != st->ncols) {
        char reason[IG_REASON_MAX];
        snprintf(reason, sizeof reason, "row has %zu fields; expected %zu", st->nfields, st->ncols);
        rec.nfields = st->nfields;
        return st->fn(st->ctx, &rec, "wrong_columns", reason);
    }
    const char *fields[IG_MAX_COLUMNS];
    size_t flen[IG_MAX_COLUMNS];
    for (size_t k = 0; k < st->ncolumns; k++) {
        fields[k] = st->fields[st->map[k]];
        flen[k] = st->flen[st->map[k]];
    }
    rec.fields = fields;
    rec.field_len = flen;
    rec.nfields = st->ncolumns;
    return st->fn(st->ctx, &rec, NULL, NULL);
}

static int read_csv(FILE *in, const ig_format_t *fmt, ig_record_fn fn, void *ctx, char *err,
                    size_t errlen)
{
    csv_state_t st = {.fmt = fmt, .fn = fn, .ctx = ctx, .err = err, .errlen = errlen};
    while (fmt->columns[st.ncolumns]) {
        st.ncolumns++;
    }
    if (st.ncolumns == 0 || st.ncolumns > IG_MAX_COLUMNS) {
        snprintf(err, errlen, "format %s declares %zu columns", fmt->name, st.ncolumns);
        return -1;
    }
    struct csv_parser p;
    parser_init(&p);
    oc_buf_t raw = {0};
    char *line = NULL;
    size_t cap = 0;
    int64_t lineno = 0;
    int64_t start = 1;
    int rc = 0;
    for (;;) {
        ssize_t n = getline(&line, &cap, in);
        if (n < 0) {
            break;
        }
        lineno++;
        const char *s = line;
        size_t len = (size_t)n;
        size_t bom = ig_bom(s, len, lineno);
        s += bom;
        len -= bom;
        if (raw.len == 0) {
            start = lineno;
        }
        if (oc_buf_add(&raw, s, len) != 0 || csv_parse(&p, s, len, on_field, on_row, &st) != len ||
            st.oom) {
            snprintf(err, errlen, "line %lld: %s", (long long)lineno,
                     st.oom ? "out of memory" : csv_strerror(csv_error(&p)));
            rc = -1;
            goto out;
        }
        if (st.row_done) {
            /* Only LF ends a row and the line ends at its LF: one row at most. */
            if (row(&st, raw.data, raw.len, start) != 0) {
                rc = -1;
                goto out;
            }
            clear_fields(&st);
            raw.len = 0;
        } else if (raw.len > IG_MAX_ROW_BYTES) {
            /* Most likely an unbalanced quote swallowing the rows after it:
             * reject what was read and start over at the next line. */
            char reason[IG_REASON_MAX];
            snprintf(reason, sizeof reason,
                     "row starting at line %lld runs past %d bytes (unbalanced quote?)",
                     (long long)start, IG_MAX_ROW_BYTES);
            ig_record_t rec = {
                .data = raw.data, .len = raw.len, .number = ++st.number, .line = start};
            if (fn(ctx, &rec, "row_too_long", reason) != 0) {
                rc = -1;
                goto out;
            }
            clear_fields(&st);
            raw.len = 0;
            csv_free(&p);
            parser_init(&p);
        }
    }
    if (ferror(in)) {
        snprintf(err, errlen, "read error after line %lld", (long long)lineno);
        rc = -1;
        goto out;
    }
    csv_fini(&p, on_field, on_row, &st);
    if (st.oom) {
        snprintf(err, errlen, "out of memory at the end of the input");
        rc = -1;
        goto out;
    }
    if (st.row_done && row(&st, raw.data, raw.len, start) != 0) {
        rc = -1;
        goto out;
    }
out:
    clear_fields(&st);
    free(st.fields);
    free(st.flen);
    oc_buf_free(&raw);
    free(line);
    csv_free(&p);
    return rc;
}

int ig_read(FILE *in, const ig_format_t *fmt, ig_record_fn fn, void *ctx, char *err, size_t errlen)
{
    if (fmt->framing == IG_FRAME_CSV) {
        return read_csv(in, fmt, fn, ctx, err, errlen);
    }
    return read_lines(in, fn, ctx, err, errlen);
}
