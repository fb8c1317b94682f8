/* ydoc.h -- reading a libyaml document with line numbers and collected errors.
 *
 * The rules loader walks libyaml's document tree (yaml_parser_load); these
 * helpers read typed values out of its nodes and report every problem to an
 * rt_diag_t as "<source>:<line>: <reason>" instead of stopping at the first. */
#ifndef RT_YDOC_H
#define RT_YDOC_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "rules.h"

typedef struct rt_ydoc {
    yaml_document_t *doc; /* the parsed document; borrowed */
    const char *source;   /* file name for messages; borrowed */
    rt_diag_t *diag;      /* where errors go; borrowed */
} rt_ydoc_t;

/* Records an error at line (1-based; 0 for none). */
void rt_y_error(rt_ydoc_t *y, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Records an error with no document at hand (file cannot be read, ...). */
void rt_diag_add(rt_diag_t *diag, const char *source, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The node at a libyaml index (borrowed), or NULL. */
yaml_node_t *rt_y_node(rt_ydoc_t *y, int index);
/* The node's 1-based start line. */
int rt_y_line(const yaml_node_t *n);
/* The scalar's text (borrowed), or NULL when n is not a scalar. */
const char *rt_y_scalar(const yaml_node_t *n);
/* 1 when n is an empty or null plain scalar ("", "~", "null"). */
int rt_y_is_null(const yaml_node_t *n);
/* The node for messages: "'p5'" (quoted, shortened), "a mapping", "a list",
 * "an empty string", "nothing". Returns buf or a constant. */
const char *rt_y_show(const yaml_node_t *n, char *buf, size_t size);

/* Pairs of a mapping node: count and the i-th key and value (borrowed). */
size_t rt_y_map_len(const yaml_node_t *map);
yaml_node_t *rt_y_map_key(rt_ydoc_t *y, const yaml_node_t *map, size_t i);
yaml_node_t *rt_y_map_value(rt_ydoc_t *y, const yaml_node_t *map, size_t i);
/* Items of a sequence node: count and the i-th item (borrowed). */
size_t rt_y_seq_len(const yaml_node_t *seq);
yaml_node_t *rt_y_seq_item(rt_ydoc_t *y, const yaml_node_t *seq, size_t i);

/* Reports and returns -1 unless n is a mapping ("<what> must be a mapping"). */
int rt_y_want_map(rt_ydoc_t *y, const yaml_node_t *n, const char *what);
/* Reports and returns -1 unless n is a sequence. */
int rt_y_want_seq(rt_ydoc_t *y, const yaml_node_t *n, const char *what);

/* Checks the keys of a mapping: scalars, no duplicates and, when allowed is
 * not NULL, each one of allowed (NULL-terminated), suggesting the nearest
 * ("unknown key 'tema' in rule 'billing'; did you mean 'team'?"). Returns the
 * number of problems reported. */
int rt_y_check_keys(rt_ydoc_t *y, const yaml_node_t *map, const char *const *allowed,
                    const char *what);
/* The value under key in a mapping (borrowed), or NULL. */
yaml_node_t *rt_y_get(rt_ydoc_t *y, const yaml_node_t *map, const char *key);

/* The line of key in a mapping, or the mapping's line when key is absent. */
int rt_y_key_line(rt_ydoc_t *y, const yaml_node_t *map, const char *key);
/* Orders the errors by line (stable), as a reader goes through the file. */
void rt_diag_sort(rt_diag_t *diag);

/* Typed readers. Each reports "<what> must be ..." at the node's line and
 * returns -1 on a bad value; 0 and the value otherwise. */
int rt_y_string(rt_ydoc_t *y, const yaml_node_t *n, const char *what, char **out);
/* A scalar or a list of scalars (at least one, none empty). */
int rt_y_strings(rt_ydoc_t *y, const yaml_node_t *n, const char *what, char ***out, size_t *nout);
int rt_y_bool(rt_ydoc_t *y, const yaml_node_t *n, const char *what, int *out);
int rt_y_int(rt_ydoc_t *y, const yaml_node_t *n, const char *what, int64_t min, int64_t max,
             int64_t *out);
int rt_y_number(rt_ydoc_t *y, const yaml_node_t *n, const char *what, double *out);
int rt_y_duration(rt_ydoc_t *y, const yaml_node_t *n, const char *what, int64_t *seconds);

/* The candidate nearest to word (edit distance at most 2), or NULL. */
const char *rt_suggest(const char *word, const char *const *candidates, size_t n);

/* Frees a vector of n strings and the vector. */
void rt_strv_free(char **v, size_t n);
/* Appends a copy of s to *v (length *n). Returns 0 or -1 (out of memory). */
int rt_strv_push(char ***v, size_t *n, const char *s);

#endif
