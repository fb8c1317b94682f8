/* watch.c -- `outcry-alert watch`: SUBSCRIBE and print (see watch.h). */
#include "watch.h"

#include <poll.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "publish.h"
#include "redisurl.h"
#include "stage.h"
#include "timeutil.h"

#define AL_WATCH_TEXT 60 /* characters of the post's text shown */

static const char *type_label(const char *type)
{
    static const struct {
        const char *type;
        const char *label;
    } labels[] = {
        {"sla.warning", "WARNING"},    {"sla.breach", "BREACH"}, {"sla.escalation", "ESCALATION"},
        {"case.critical", "CRITICAL"}, {"surge", "SURGE"},
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (type != NULL && strcmp(type, labels[i].type) == 0)
            return labels[i].label;
    return type != NULL ? type : "?";
}

/* "41s", "12m05s", "3h02m", "2d04h". */
static void duration(double secs, char *buf, size_t size)
{
    long long s = secs > 0 ? (long long)secs : 0;
    if (s < 60)
        snprintf(buf, size, "%llds", s);
    else if (s < 3600)
        snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, size, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
    else
        snprintf(buf, size, "%lldd%02lldh", s / 86400, (s % 86400) / 3600);
}

static size_t utf8_len(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if ((lead & 0xE0) == 0xC0)
        return 2;
    if ((lead & 0xF0) == 0xE0)
        return 3;
    if ((lead & 0xF8) == 0xF0)
        return 4;
    return 1; /* stray byte: copied alone (posts are validated UTF-8 upstream) */
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Copies up to AL_WATCH_TEXT characters of text on one line: whitespace runs
 * become one space, '"' becomes '\'', whole UTF-8 sequences only, "..."
 * appended when cut. */
static void excerpt(const char *text, char *buf, size_t size)
{
    size_t n = 0, chars = 0;
    const unsigned char *p = (const unsigned char *)(text != NULL ? text : "");
    while (is_space(*p))
        p++;
    while (*p != '\0') {
        if (is_space(*p)) {
            while (is_space(*p))
                p++;
            if (*p == '\0')
                break;
            if (chars + 1 >= AL_WATCH_TEXT || n + 2 + 3 >= size)
                goto cut;
            buf[n++] = ' ';
            chars++;
            continue;
        }
        size_t len = utf8_len(*p);
        for (size_t i = 1; i < len; i++)
            if (p[i] == '\0')
                len = i; /* truncated sequence at the end of the string */
        if (chars + 1 > AL_WATCH_TEXT || n + len + 3 >= size)
            goto cut;
        if (*p == '"') {
            buf[n++] = '\'';
        } else {
            memcpy(buf + n, p, len);
            n += len;
        }
        p += len;
        chars++;
    }
    buf[n] = '\0';
    return;
cut:
    memcpy(buf + n, "...", 4);
}

char *al_watch_format(const json_t *a, char *buf, size_t size)
{
    const char *type = json_string_value(json_object_get(a, "type"));
    const char *at = json_string_value(json_object_get(a, "at"));
    const char *team = json_string_value(json_object_get(a, "team"));
    const char *prio = json_string_value(json_object_get(a, "priority"));
    const char *case_id = json_string_value(json_object_get(a, "case"));
    const json_t *post = json_object_get(a, "post");
    const json_t *author = json_object_get(post, "author");
    const char *handle = json_string_value(json_object_get(author, "handle"));
    const char *author_id = json_string_value(json_object_get(author, "id"));

    char clock[16] = "--:--:--";
    int64_t ms;
    if (at != NULL && oc_time_parse(at, &ms) == 0) {
        char iso[OC_TIME_BUFSZ];
        oc_time_format(ms, iso, sizeof(iso)); /* "2017-10-31T22:10:47Z" */
        if (strlen(iso) >= 19)
            snprintf(clock, sizeof(clock), "%.8s", iso + 11);
    }
    char who[160];
    if (handle != NULL)
        snprintf(who, sizeof(who), "@%s", handle);
    else
        snprintf(who, sizeof(who), "%s", author_id != NULL ? author_id : "someone");
    char what[96];
    if (type != NULL && strcmp(type, "case.critical") == 0) {
        snprintf(what, sizeof(what), "critical complaint");
    } else {
        char waited[24], target[24];
        duration(json_number_value(json_object_get(a, "elapsed_s")), waited, sizeof(waited));
        duration(json_number_value(json_object_get(a, "target_s")), target, sizeof(target));
        snprintf(what, sizeof(what), "waited %s (target %s)", waited, target);
    }
    char team_prio[96];
    snprintf(team_prio, sizeof(team_prio), "%s/%s", team != NULL ? team : "?",
             prio != NULL ? prio : "?");
    char text[AL_WATCH_TEXT * 4 + 8];
    excerpt(json_string_value(json_object_get(post, "text")), text, sizeof(text));
    snprintf(buf, size, "%s  %-10s  %-12s  %s  %s %s: \"%s\"", clock, type_label(type), team_prio,
             case_id != NULL ? case_id : "?", who, what, text);
    return buf;
}

/* Prints one message. Returns 0, or -1 when out cannot be written (a closed
 * pipe: `watch | head`). */
static int print_message(const char *payload, size_t len, int raw, FILE *out)
{
    if (raw) {
        fwrite(payload, 1, len, out);
        fputc('\n', out);
        return fflush(out) == 0 && !ferror(out) ? 0 : -1;
    }
    json_error_t jerr;
    json_t *a = json_loadb(payload, len, 0, &jerr);
    if (a == NULL) {
        oc_warn("watch_bad_message", "not JSON (line %d column %d: %s)", jerr.line, jerr.column,
                jerr.text);
        return 0;
    }
    char line[1024];
    fprintf(out, "%s\n", al_watch_format(a, line, sizeof(line)));
    json_decref(a);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* Reads replies until the connection fails or the process stops.
 * Returns 0 when stopping, -1 when the connection is lost, -2 when the
 * output cannot be written. */
static int listen_messages(redisContext *c, int raw, FILE *out)
{
    for (;;) {
        void *v = NULL;
        if (redisGetReplyFromReader(c, &v) != REDIS_OK)
            return -1;
        if (v != NULL) {
            redisReply *r = v;
            if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
                r->element[0]->type == REDIS_REPLY_STRING &&
                strcmp(r->element[0]->str, "message") == 0 &&
                r->element[2]->type == REDIS_REPLY_STRING &&
                print_message(r->element[2]->str, (size_t)r->element[2]->len, raw, out) != 0) {
                freeReplyObject(r);
                return -2;
            }
            freeReplyObject(r);
            continue;
        }
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        while (oc_running) {
            int n = poll(&pfd, 1, 200);
            if (n > 0)
                break;
        }
        if (!oc_running)
            return 0;
        if (redisBufferRead(c) != REDIS_OK)
            return -1;
    }
}

int al_watch_run(const char *redis_url, const char *team, int raw, FILE *out)
{
    al_redis_url_t url;
    char err[512];
    if (al_redis_url_parse(redis_url, &url, err, sizeof(err)) != 0) {
        fprintf(stderr, "outcry-alert watch: %s\n", err);
        return 2;
    }
    char channel[256];
    if (team != NULL)
        snprintf(channel, sizeof(channel), "%s:%s", AL_CHANNEL, team);
    else
        snprintf(channel, sizeof(channel), "%s", AL_CHANNEL);
    oc_signals_install();
    int64_t backoff = 100;
    while (oc_running) {
        redisContext *c = al_redis_connect(&url, 5000, err, sizeof(err));
        if (c != NULL) {
            /* Subscribed connections wait forever: no read timeout. */
            struct timeval none = {0, 0};
            redisReply *r = NULL;
            if (redisSetTimeout(c, none) == REDIS_OK)
                r = redisCommand(c, "SUBSCRIBE %s", channel);
            if (r != NULL && r->type == REDIS_REPLY_ARRAY) {
                oc_info("watch_subscribed", "watching %s on %s:%d", channel, url.host, url.port);
                backoff = 100;
                freeReplyObject(r);
                int rc = listen_messages(c, raw, out);
                if (rc != -1) {
                    redisFree(c);
                    if (rc == -2) {
                        fprintf(stderr, "outcry-alert watch: cannot write to standard output\n");
                        return 1;
                    }
                    break;
                }
                snprintf(err, sizeof(err), "Redis %s:%d: %s", url.host, url.port,
                         c->errstr[0] ? c->errstr : "connection lost");
            } else {
                snprintf(err, sizeof(err), "SUBSCRIBE %s: %s", channel,
                         r != NULL && r->type == REDIS_REPLY_ERROR ? r->str : c->errstr);
                freeReplyObject(r);
            }
            redisFree(c);
        }
        oc_warn("watch_disconnected", "%s; retrying in %lld ms", err, (long long)backoff);
        if (al_sleep_while_running(backoff) != 0)
            break;
        backoff = backoff * 2 > 5000 ? 5000 : backoff * 2;
    }
    return 0;
}
