/* fastpost.h -- a canonical post on the per-message hot path, read with cJSON.
 *
 * Why a second JSON library: classify and route read a post, decide, and pass
 * it on with one object added. With jansson, parsing a 470-byte post costs
 * ~6.4 µs and printing it again ~2.7 µs, more than the rest of the stage;
 * cJSON (Debian's libcjson) parses the same post in ~1.2 µs (docs/CODING.md
 * has the measurement). jansson stays the library for everything else.
 *
 * cJSON is laxer than jansson; oc_fp_parse() closes the gaps that matter:
 *   - UTF-8 is checked over the whole message (cJSON copies any bytes);
 *   - a message with a control byte (< 0x20, which JSON allows only as white
 *     space) is checked by jansson too, because cJSON takes raw control
 *     characters inside strings;
 *   - duplicate keys are looked for in every object (cJSON keeps both);
 *   - "\u0000" is refused: no C string, ours or the next stage's, carries it;
 *   - an integer beyond int64, which cJSON reads as a double and jansson
 *     refuses, sends the message to jansson too;
 *   - cJSON reads some numbers jansson refuses (01, 1., 1e) and 150.0 as an
 *     integer. With oc_fp_strict_numbers(1) PCRE2 patterns spot where such
 *     a number may be, and then jansson reads the message too and its tree
 *     is the one validated. ingest (the input boundary), classify (which
 *     reads outcry.posts, where producers other than ingest may write) and
 *     alert turn it on. classify passes a post's bytes on: until 2026-12-07
 *     it did not check, and a foreign producer's 01 went on to
 *     outcry.classified, routed and the team topics as JSON no strict
 *     reader takes (found by tests/fuzz/fuzz_classify.c). The check costs
 *     ~0.45 µs a post (~0.6 on classified posts). route does not check:
 *     its input is classify's output, internal, and the check would be
 *     ~12% of its time;
 *   - the post is validated by the same rules as oc_post_validate().
 * So with strict numbers on, what jansson's oc_post_parse() refuses, this
 * refuses, with jansson's reason where jansson is the one that knows.
 *
 * Output: oc_fp_with() writes the post with one member added by splicing it
 * into the message as it came, so numbers, escapes and key order reach the
 * next stage untouched and nothing is printed twice. Only when the post has
 * that member already (a replay through a new model) is it rebuilt, with
 * jansson, off the hot path.
 *
 * Thread-safe: cJSON keeps the position of a parse error in a global, so
 * cJSON parses are serialised by a lock (uncontended in the stages, which
 * process on one thread; ingest's HTTP threads share it), and each thread has
 * its own arena for trees. */
#ifndef OC_FASTPOST_H
#define OC_FASTPOST_H

#include <cJSON.h>
#include <stddef.h>

#include "buf.h"

typedef struct oc_fpost {
    cJSON *root;       /* the parsed post; owned, released by oc_fp_free() */
    const char *bytes; /* the message from its opening brace; borrowed */
    size_t len;        /* bytes up to and including the closing brace */
    const char *id;    /* the post's id; borrowed from root */
    const char *text;  /* its text; borrowed from root */
    size_t text_len;   /* bytes of text */
    int outbound;      /* 1 when direction is "outbound" */
} oc_fpost_t;

/* Parses buf[0..len) and validates it as a post. Returns 0, or -1 with a DLQ
 * code ("too_large", "invalid_json", "invalid_post") in *code and the reason
 * in err (line and column for JSON errors); p->root is NULL then. p needs
 * no initialisation. */
int oc_fp_parse(oc_fpost_t *p, const char *buf, size_t len, const char **code, char *err,
                size_t errlen);

/* Turns the check for numbers cJSON reads and jansson refuses on (1) or
 * off (0, the default) for the whole process; see above. */
void oc_fp_strict_numbers(int on);

/* Releases p->root; NULL-safe, idempotent. */
void oc_fp_free(oc_fpost_t *p);

/* Member key of obj (case-sensitive), or NULL; borrowed. obj may be NULL. */
const cJSON *oc_fp_get(const cJSON *obj, const char *key);

/* The string member key of obj, or NULL when absent or not a string;
 * borrowed. */
const char *oc_fp_str(const cJSON *obj, const char *key);

/* The conversation of p, or its id when it has none; borrowed. */
const char *oc_fp_conversation(const oc_fpost_t *p);

/* Writes p's message with member name set to the JSON text
 * member[0..mlen) into out (replacing what out held). Returns 0, or -1 when
 * out of memory or when member is not valid JSON (only checked when the post
 * had the member already). */
int oc_fp_with(const oc_fpost_t *p, const char *name, const char *member, size_t mlen,
               oc_buf_t *out);

/* The parser under oc_fp_parse(), for other JSON of a hot path (alert's
 * stored clocks): cJSON_ParseWithLengthOpts(buf, len, end, 0), its tree in
 * the calling thread's arena when that is free (else malloc). Only JSON
 * syntax is checked, with cJSON's laxness (see above): the caller closes
 * the gaps it cares about. Returns the tree (release with
 * oc_fp_json_drop()), or NULL. */
cJSON *oc_fp_json_parse(const char *buf, size_t len, const char **end);

/* cJSON_Delete(root), giving the arena back when root owned it; NULL-safe. */
void oc_fp_json_drop(cJSON *root);

/* 1 when cJSON alone cannot be trusted with buf[0..len) to read it as
 * jansson would: a raw control byte (cJSON takes them in strings), or a
 * number cJSON reads and jansson refuses may be there (01, 1., 1e, a real
 * follower count); then jansson should judge. 0 when neither is there. */
int oc_fp_needs_jansson(const char *buf, size_t len);

/* buf[0..len) parsed with oc_fp_json_parse() only when cJSON's reading is
 * surely jansson's: valid UTF-8, nothing oc_fp_needs_jansson() flags, no
 * escape JSON does not have (nor \u0000), the whole buffer one value, no
 * repeated key, no integer beyond jansson's.
 * Else NULL (malformed, or for jansson to judge). Release with
 * oc_fp_json_drop(). */
cJSON *oc_fp_json_parse_exact(const char *buf, size_t len);

/* The first key that repeats in some object under v, or NULL. Sets *big
 * when a number is beyond what jansson reads as an integer (|x| >= 2^63):
 * cJSON takes 12345678901234567890 as a double, jansson refuses it, and
 * only the text tells an integer from 1.2e19. */
const char *oc_fp_duplicate_key(const cJSON *v, int *big);

#endif
