/* format.h -- how ingest reads a platform's posts.
 *
 * A format is one file with one ig_format_t: a name, how its input splits into
 * records (lines or CSV rows), and a parse function from one record to one
 * canonical post (outcry.post/v1) or a reject with a code and a reason. What a
 * single record cannot tell (the thread root, the brand of an inbound post)
 * is resolved afterwards over the whole input by thread.c, as the format's
 * flags ask. Adding a platform = one new file plus one line in ig_formats[]. */
#ifndef IG_FORMAT_H
#define IG_FORMAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IG_REASON_MAX 256

/* One record of the input, as the reader hands it to a format. */
typedef struct ig_record {
    const char *data;          /* the bytes as written: one line, or one CSV row */
    size_t len;                /* length of data */
    const char *const *fields; /* CSV: the fields, in the format's column order; else NULL */
    const size_t *field_len;   /* CSV: the length of each field */
    size_t nfields;            /* CSV: number of fields */
    int64_t number;            /* record number from 1 (a CSV header is not counted) */
    int64_t line;              /* input line where the record starts, from 1 */
} ig_record_t;

/* What a parse function hands back. */
typedef struct ig_result {
    json_t *post;               /* the canonical post on success; new reference */
    int64_t created_ms;         /* its created_at, ms since the epoch */
    const char *code;           /* on reject: a short static code, also a metric label */
    char reason[IG_REASON_MAX]; /* on reject: what is wrong, naming the field */
} ig_result_t;

typedef enum {
    IG_FRAME_LINES, /* one record per line; blank lines are skipped */
    IG_FRAME_CSV    /* one record per CSV row (libcsv), optional header row */
} ig_framing_t;

/* What thread resolution (thread.c) may change in a format's posts. */
#define IG_THREAD_CONVERSATION 1 /* conversation is always the resolved thread root */
#define IG_THREAD_BRAND        2 /* an inbound post's brand is its thread's brand */

typedef struct ig_format {
    const char *name;           /* --format value */
    const char *help;           /* one line for --help */
    ig_framing_t framing;       /* how the input splits into records */
    const char *const *columns; /* CSV: column names, NULL-terminated, in parse's order */
    int thread_flags;           /* IG_THREAD_*; conversation is filled where absent anyway */
    /* Parses one record. Returns 0 with res->post set, or -1 with res->code
     * and res->reason set. Never keeps pointers into rec. */
    int (*parse)(const ig_record_t *rec, ig_result_t *res);
    /* JSON formats (parse is then NULL): one post from one JSON object of the
     * platform. doc is the whole document the object came in (Twitter v2 keeps
     * users in doc.includes); both borrowed, but the document is dropped
     * afterwards, so parse may keep obj (json_incref) and change it as its
     * post instead of copying it. Returns 0 or -1 like parse. The
     * record is parsed and split into objects by ig_json_each(). */
    int (*parse_json)(const json_t *obj, const json_t *doc, ig_result_t *res);
} ig_format_t;

extern const ig_format_t ig_format_jsonl;    /* jsonl.c */
extern const ig_format_t ig_format_twcs;     /* twcs.c */
extern const ig_format_t ig_format_twitter1; /* twitter1.c */
extern const ig_format_t ig_format_twitter2; /* twitter2.c */
extern const ig_format_t ig_format_mastodon; /* mastodon.c */

/* Called by ig_json_each() for each object of a JSON record: res holds the
 * post (stolen by the callee) or the reject; bytes/len are the object's own
 * bytes for a DLQ entry (the record's when it held one object). index counts
 * the objects of the record from 0. Returns 0 to go on, -1 to stop. */
typedef int (*ig_item_fn)(void *ctx, ig_result_t *res, size_t index, const char *bytes, size_t len);

/* Parses one JSON record of fmt (a JSON format) and hands every post it holds
 * to fn. A record is one object, an array of objects, an envelope (Twitter
 * v2's {"data": object|array, "includes": ...}, Account Activity's
 * {"tweet_create_events": [...]}), or a server-sent-events line ("data: {...}";
 * "event:", "id:" and ":" lines are skipped). Duplicate keys, invalid UTF-8,
 * \u0000 and nesting deeper than jansson's limit reject the record
 * (invalid_json). Returns the number of objects handed over, or -1 when fn
 * asked to stop. */
int ig_json_each(const ig_format_t *fmt, const char *data, size_t len, ig_item_fn fn, void *ctx);

/* Every format, NULL-terminated (input.c). */
extern const ig_format_t *const ig_formats[];

/* Finds a format by name, or NULL. */
const ig_format_t *ig_format_find(const char *name);

/* Fills res as a reject with code and a printf-style reason. Returns -1, so a
 * parse function can `return ig_reject(res, ...)`. */
int ig_reject(ig_result_t *res, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Called by ig_read() for each record. code is non-NULL when the reader
 * itself rejects the record (code and reason say why; rec->fields is NULL). Returns 0 to go on,
 * -1 to stop reading (ig_read then returns -1 and keeps the callback's err). */
typedef int (*ig_record_fn)(void *ctx, const ig_record_t *rec, const char *code,
                            const char *reason);

/* Splits in into records as fmt->framing says and calls fn for each. For CSV:
 * a UTF-8 BOM is skipped; a first row with a field named as the first column
 * (twcs: tweet_id) is a header, and its names map the columns (all of fmt->columns must
 * be there, in any order, others are ignored); without a header the columns
 * are in fmt->columns order. A row whose field count differs from the
 * header's is handed over with code "wrong_columns", a row of more than
 * IG_MAX_ROW_BYTES with "row_too_long" (the reader then starts over at the
 * next line). Returns 0, or -1 with the reason in err (read error, bad
 * header, or fn asked to stop). */
#define IG_MAX_ROW_BYTES (256 * 1024)
int ig_read(FILE *in, const ig_format_t *fmt, ig_record_fn fn, void *ctx, char *err, size_t errlen);

/* ig_read() of a line format over an input already in memory: the same
 * records, except that rec->data is not NUL-terminated. Returns 0, or -1
 * when fn asked to stop. */
int ig_read_mem(const char *data, size_t len, ig_record_fn fn, void *ctx);

#endif
