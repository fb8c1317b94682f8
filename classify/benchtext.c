/* benchtext.c -- the texts `outcry-classify bench` classifies
 * (benchtext.h). */
#include "benchtext.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* A growable list of texts. */
typedef struct list {
    char **s;    /* texts, owned */
    size_t *len; /* their lengths */
    size_t n, cap;
} list_t;

static int list_add(list_t *l, const char *s, size_t len)
{
    if (oc_grow2(&l->s, sizeof *l->s, &l->len, sizeof *l->len, &l->cap, l->n, 1024) != 0) {
        return -1;
    }
    char *c = malloc(len + 1);
    if (c == NULL) {
        return -1;
    }
    memcpy(c, s, len);
    c[len] = '\0';
    l->s[l->n] = c;
    l->len[l->n++] = len;
    return 0;
}

static void list_free(list_t *l)
{
    while (l->n > 0) {
        free(l->s[--l->n]);
    }
    free(l->s);
    free(l->len);
}

/* The TWCS rows as libcsv hands them over: the columns wanted of the row
 * being read. */
typedef struct twcs_read {
    list_t *out;     /* inbound texts */
    size_t field;    /* column of the next field */
    size_t row;      /* rows seen, the header included */
    int inbound;     /* this row's inbound column is "True" */
    char *text;      /* this row's text column, owned */
    size_t text_len; /* its length */
    int failed;      /* out of memory */
} twcs_read_t;

static void on_field(void *s, size_t len, void *data)
{
    twcs_read_t *r = data;
    if (r->field == 2) {
        r->inbound = len == 4 && memcmp(s, "True", 4) == 0;
    } else if (r->field == 4) {
        free(r->text);
        r->text = malloc(len + 1);
        if (r->text == NULL) {
            r->failed = 1;
        } else {
            memcpy(r->text, s, len);
            r->text_len = len;
        }
    }
    r->field++;
}

static void on_row(int c, void *data)
{
    twcs_read_t *r = data;
    if (r->row++ > 0 && r->inbound && r->text != NULL && r->text_len > 0 &&
        list_add(r->out, r->text, r->text_len) != 0) {
        r->failed = 1;
    }
    free(r->text);
    r->text = NULL;
    r->field = 0;
    r->inbound = 0;
}

/* Adds the inbound texts of the TWCS file at path to out. Returns 0 (an
 * absent file adds nothing), or -1. */
static int read_twcs(const char *path, list_t *out)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return 0;
    }
    struct csv_parser p;
    twcs_read_t r = {.out = out};
    char buf[65536];
    size_t n;
    int rc = csv_init(&p, CSV_APPEND_NULL) == 0 ? 0 : -1;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_row, &r) != n || r.failed) {
            rc = -1;
        }
    }
    if (rc == 0 && (csv_fini(&p, on_field, on_row, &r) != 0 || r.failed)) {
        rc = -1;
    }
    csv_free(&p);
    free(r.text);
    fclose(fp);
    return rc;
}

/* Appends the texts of in, joined with spaces until each has min bytes. */
static int join(const list_t *in, size_t min, cl_bench_texts_t *bt)
{
    for (size_t i = 0; i < in->n;) {
        size_t len = 0, j = i;
        while (j < in->n && len < min) {
            len += in->len[j++] + 1;
        }
        char *s = malloc(len + 1);
        if (s == NULL) {
            return -1;
        }
        size_t o = 0;
        for (size_t k = i; k < j; k++) {
            memcpy(s + o, in->s[k], in->len[k]);
            o += in->len[k];
            s[o++] = ' ';
        }
        s[o > 0 ? o - 1 : 0] = '\0';
        char **nt = realloc(bt->text, (bt->n + 1) * sizeof *nt);
        if (nt == NULL) {
            free(s);
            return -1;
        }
        bt->text = nt;
        bt->text[bt->n++] = s;
        i = j;
    }
    return 0;
}

int cl_bench_texts_load(cl_bench_texts_t *bt, const cl_dataset_t *d, const char *twcs, size_t min)
{
    memset(bt, 0, sizeof *bt);
    list_t data = {0}, tw = {0};
    int rc = 0;
    for (size_t i = 0; i < d->n && rc == 0; i++) {
        rc = list_add(&data, d->ex[i].text, d->ex[i].len);
    }
    if (rc == 0) {
        rc = join(&data, min, bt);
    }
    bt->ndata = bt->n;
    if (rc == 0 && twcs != NULL) {
        rc = read_twcs(twcs, &tw);
        bt->ntwcs = tw.n;
    }
    if (rc == 0) {
        rc = join(&tw, min, bt);
    }
    list_free(&data);
    list_free(&tw);
    if (rc != 0) {
        cl_bench_texts_free(bt);
    }
    return rc;
}

void cl_bench_texts_free(cl_bench_texts_t *bt)
{
    while (bt->n > 0) {
        free(bt->text[--bt->n]);
    }
    free(bt->text);
    memset(bt, 0, sizeof *bt);
}
