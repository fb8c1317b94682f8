/* wordshape.c -- the short word lists the tokeniser checks every word
 * against (wordshape.h). */
#include "wordshape.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "features.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A short-list word with its length, so that a lookup skips most entries
 * without a call. */
typedef struct word {
    const char *s; /* the word */
    size_t n;      /* strlen(s) */
} word_t;
/* clang-format off */
#define W(s) {s, sizeof(s) - 1}
/* clang-format on */

/* Words that open a negation scope, besides anything ending in "n't" and
 * French elisions "n'est". Apostrophe-less spellings are how tweets write. */
/* clang-format off */
static const word_t negators[] = {
    W("not"), W("no"), W("never"), W("cannot"), W("cant"), W("dont"), W("doesnt"), W("didnt"),
    W("wont"), W("isnt"), W("wasnt"), W("arent"), W("werent"), W("havent"), W("hasnt"), W("hadnt"),
    W("couldnt"), W("shouldnt"), W("wouldnt"), W("aint"), W("nothing"), W("nobody"), W("noone"),
    W("nowhere"), W("neither"), W("nor"), W("without"), W("nunca"), W("nada"), W("nadie"), W("ni"),
    W("jamas"), W("nao"), W("nem"), W("ne"), W("pas"), W("jamais"), W("aucun"), W("aucune"),
    W("nicht"), W("kein"), W("keine"), W("keinen"), W("keiner"), W("nie"),
};
/* clang-format on */

/* Capitalised words that are names, not shouting. */
/* clang-format off */
static const word_t acronyms[] = {
    W("dm"), W("dms"), W("ups"), W("usps"), W("dhl"), W("tnt"), W("fedex"), W("usa"), W("uk"),
    W("eu"), W("tv"), W("att"), W("isp"), W("lte"), W("sim"), W("pin"), W("sms"), W("otp"),
    W("atm"), W("ssn"), W("id"), W("gps"), W("fyi"), W("ceo"), W("bbb"), W("fcc"), W("ftc"),
    W("cfpb"), W("gdpr"), W("ios"), W("pc"), W("mac"), W("psn"), W("xbox"), W("ps4"), W("ps5"),
    W("hd"), W("uhd"), W("vpn"), W("wifi"), W("dsl"), W("nyc"), W("la"), W("sfo"), W("lax"),
    W("jfk"), W("lhr"), W("ord"), W("atl"), W("dfw"), W("ba"), W("aa"), W("klm"), W("bt"), W("ee"),
    W("o2"), W("hbo"), W("nfl"), W("nba"), W("api"), W("url"), W("faq"), W("tsa"), W("nhs"),
    W("hmrc"), W("irs"), W("pdf"), W("usb"), W("amp"), W("gmt"), W("est"), W("pst"), W("cst"),
    W("utc"), W("am"), W("pm"), W("mph"), W("kg"),
};
/* clang-format on */

/* Three-letter words that, written in capitals, are shouting rather than an
 * acronym or an airport code; shorter words never count, longer ones do. */
/* clang-format off */
static const word_t loud3[] = {
    W("why"), W("not"), W("fix"), W("now"), W("wtf"), W("omg"), W("the"), W("and"), W("you"),
    W("was"), W("bad"), W("sad"), W("yet"), W("all"), W("are"), W("how"), W("can"), W("too"),
    W("get"), W("got"), W("has"), W("had"), W("did"), W("for"), W("any"), W("who"), W("her"),
    W("his"), W("our"), W("out"), W("one"), W("day"), W("ffs"), W("smh"), W("lie"), W("lol"),
    W("way"), W("off"), W("old"),
};
/* clang-format on */

/* clang-format off */
static const word_t contrasts[] = {
    W("but"), W("however"), W("although"), W("though"), W("pero"), W("mais"), W("aber"),
};
/* clang-format on */

int cl_in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* the first byte settles almost every comparison without a call */
        if (w[0] == list[i][0] && strcmp(w, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* cl_in_list() for a word of known length n: a list entry of another
 * length or first byte costs no call. The lists are short and fixed; their
 * lengths are taken once per call of the tokeniser's hot path otherwise. */
static int in_list_n(const char *w, size_t n, const word_t *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (list[i].n == n && w[0] == list[i].s[0] && memcmp(w, list[i].s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A filter over the short lists that every word is checked against: bit
 * (byte & 63) of first[len] is set when some entry of that length starts
 * with that byte, of last[len] when one ends with it. Almost every word
 * fails it at once, so the lists are only walked for the few that pass.
 * Built once (cl_shape_ready()) before the first word is looked at. */
#define FILTER_LEN 16
typedef struct filter {
    uint64_t first[FILTER_LEN];
    uint64_t last[FILTER_LEN];
} filter_t;
static filter_t negator_filter, contrast_filter, either_filter;
static pthread_once_t filter_once = PTHREAD_ONCE_INIT;

static void filter_add(filter_t *filter, const word_t *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t n = list[i].n;
        if (n < FILTER_LEN) {
            filter->first[n] |= 1ull << ((unsigned char)list[i].s[0] & 63);
            filter->last[n] |= 1ull << ((unsigned char)list[i].s[n - 1] & 63);
        }
    }
}

static void filter_build(void)
{
    filter_add(&negator_filter, negators, COUNT(negators));
    filter_add(&contrast_filter, contrasts, COUNT(contrasts));
    filter_add(&either_filter, negators, COUNT(negators));
    filter_add(&either_filter, contrasts, COUNT(contrasts));
}

int cl_shape_ready(void)
{
    return pthread_once(&filter_once, filter_build) == 0 ? 0 : -1;
}

/* 0 when w (n bytes, n > 0) is surely not in the list behind filter; 1:
 * maybe. ready: cl_shape_ready() succeeded. */
static int filter_maybe(const filter_t *filter, const char *w, size_t n, int ready)
{
    return !ready || (n < FILTER_LEN && (filter->first[n] >> ((unsigned char)w[0] & 63) & 1) &&
                      (filter->last[n] >> ((unsigned char)w[n - 1] & 63) & 1));
}

int cl_shape_negator(const char *word, size_t n, int ready)
{
    if (n > 3 && memcmp(word + n - 3, "n't", 3) == 0) {
        return 1;
    }
    if (n > 2 && word[0] == 'n' && word[1] == '\'') {
        return 1; /* French: n'est, n'ai */
    }
    if (n == 0 || !filter_maybe(&negator_filter, word, n, ready)) {
        return 0; /* no negator is empty */
    }
    return in_list_n(word, n, negators, COUNT(negators));
}

unsigned cl_shape_plain(const char *w, size_t n, int ready)
{
    /* no apostrophe: neither "n't" nor "n'", only the lists; one filter
     * over both turns almost every word away */
    if (n == 0 || !filter_maybe(&either_filter, w, n, ready)) {
        return 0;
    }
    return (in_list_n(w, n, negators, COUNT(negators)) ? CL_SHAPE_NEGATOR : 0u) |
           (cl_shape_contrast(w, n, ready) ? CL_SHAPE_CONTRAST : 0u);
}

int cl_is_negator(const char *word)
{
    return cl_shape_negator(word, strlen(word), cl_shape_ready() == 0);
}

int cl_shape_contrast(const char *w, size_t n, int ready)
{
    return n >= 3 && n <= 8 && filter_maybe(&contrast_filter, w, n, ready) &&
           in_list_n(w, n, contrasts, COUNT(contrasts));
}

int cl_shape_acronym(const char *w, size_t n)
{
    return in_list_n(w, n, acronyms, COUNT(acronyms));
}

int cl_shape_loud3(const char *w, size_t n)
{
    return in_list_n(w, n, loud3, COUNT(loud3));
}
