"""The fast path of canonical JSONL (ingest/canon.c) against the jansson path.

A canonical post already in normal form keeps its bytes; any other line goes
the jansson way. Whichever way a line goes, what comes out must be what the
jsonl format has always made of it: the post as sent plus "source" (when
absent), "conversation" (resolved when absent) and "ingested_at"; rejects in
the DLQ with their reason and bytes; duplicates produced once. These tests
mix both kinds of lines in one input (convert, replay, HTTP) and check every
output against that rule, and the summary's fast_path count says which way
each line went.
"""
import base64
import json
import subprocess

from conftest import bin_path
from stages import canonical_post
from test_ingest_http import Ingest, start_ingest


def post(pid, text="my bill is wrong", created_at="2020-01-01T00:00:10Z", **kw):
    p = canonical_post(pid, pid, text, created_at=created_at)
    p.update(kw)
    return p


def mixed_input():
    """(lines, expected) -- the lines of a jsonl file, and for each accepted
    post id the post as sent and the conversation it must end up in."""
    root = post(1, created_at="2020-01-01T00:00:05Z")              # fast
    reply = post(2, created_at="2020-01-01T00:00:06.500Z")          # fast, no conversation:
    del reply["conversation"]                                       # resolved from its parent
    reply["in_reply_to"] = "twitter:1"
    nfd = post(3, text="cafe\u0301 ferm\u00e9")                      # not NFC: the jansson way
    del nfd["conversation"]
    nfd["in_reply_to"] = "twitter:2"                                 # joins the fast thread
    offset = post(4, created_at="2020-01-01T02:00:00+02:00",         # not UTC: the jansson way
                  conversation="twitter:1")
    after_slow = post(5, created_at="2020-01-01T00:00:11Z")         # fast reply to a slow post
    del after_slow["conversation"]
    after_slow["in_reply_to"] = "twitter:3"
    no_source = post(6)                                              # fast, source added
    del no_source["source"]
    escaped = post(7, text="na\u00efve")                             # \u00ef escaped below: fast,
                                                                     # its value is NFC
    stamped = post(8, ingested_at="2020-01-01T00:01:00Z")           # keeps its ingested_at
    lines = [json.dumps(p, ensure_ascii=False) for p in
             (root, reply, nfd, offset, after_slow, no_source)]
    lines.append(json.dumps(escaped))                                # ensure_ascii: \u00ef
    lines.append(json.dumps(stamped))
    lines.append(json.dumps(root))                                   # duplicate id
    lines.append('{"schema": "outcry.post/v1", "id": ')              # broken JSON
    bad = post(9)
    bad["created_at"] = "yesterday"
    lines.append(json.dumps(bad))                                    # invalid post
    conv = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 6, 7: 7, 8: 8}
    sent = {p["id"]: p for p in (root, reply, nfd, offset, after_slow, no_source, escaped,
                                 stamped)}
    expected = {"twitter:%d" % k: (sent["twitter:%d" % k], "twitter:%d" % v)
                for k, v in conv.items()}
    return lines, expected


# the fast path takes 1, 2, 5, 6, 7, 8 and the duplicate of 1
FAST = 7


def check_post(got, sent, conv):
    """got is sent with what the jsonl format adds, in order, and nothing else."""
    want = list(sent.items())
    if "source" not in sent:
        want.append(("source", "jsonl"))
    if "conversation" not in sent:
        want.append(("conversation", conv))
    items = list(got.items())
    if "ingested_at" not in sent:
        assert items[-1][0] == "ingested_at" and items[-1][1].endswith("Z")
        items = items[:-1]
    assert items == want


def summary_of(stderr):
    return [json.loads(l) for l in stderr.decode().splitlines() if '"ingest_summary"' in l][0]


def test_convert_takes_both_paths_to_the_same_posts(tmp_path):
    lines, expected = mixed_input()
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = subprocess.run([bin_path("ingest"), "convert", str(path)], capture_output=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    summary = summary_of(r.stderr)
    assert summary["fast_path"] == FAST
    assert summary["accepted"] == 9 and summary["rejected"] == 2
    assert summary["reasons"] == {"invalid_json": 1, "invalid_post": 1}
    posts = [json.loads(l, object_pairs_hook=dict) for l in r.stdout.decode().splitlines()]
    assert [p["id"] for p in posts][:8] == list(expected)  # input order
    for p in posts[:8]:
        sent, conv = expected[p["id"]]
        check_post(p, sent, conv)
    # canonical jsonl keeps text and created_at as sent, whichever path
    by_id = {p["id"]: p for p in posts}
    assert by_id["twitter:3"]["text"] == "cafe\u0301 ferm\u00e9"
    assert by_id["twitter:4"]["created_at"] == "2020-01-01T02:00:00+02:00"
    assert by_id["twitter:7"]["text"] == "na\u00efve"
    dlq = [json.loads(l) for l in r.stderr.decode().splitlines()
           if l.startswith('{"schema":"outcry.dlq/v1"')]
    assert [(e["offset"], e["code"]) for e in dlq] == [(10, "invalid_json"), (11, "invalid_post")]
    assert "created_at" in dlq[1]["reason"]
    assert base64.b64decode(dlq[1]["payload_b64"]).decode() == lines[10]

    # from a pipe (read as a stream, the fast path's bytes copied): the same
    r2 = subprocess.run([bin_path("ingest"), "convert", "--format", "jsonl", "-"],
                        input=path.read_bytes(), capture_output=True, timeout=60)
    assert r2.returncode == 0 and summary_of(r2.stderr)["fast_path"] == FAST
    strip = [{k: v for k, v in json.loads(l).items() if k != "ingested_at"}
             for l in r2.stdout.decode().splitlines()]
    assert strip == [{k: v for k, v in p.items() if k != "ingested_at"} for p in posts]


def test_replay_produces_each_post_once_keyed_and_in_event_time(devbroker, tmp_path):
    lines, expected = mixed_input()
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = subprocess.run([bin_path("ingest"), "replay", "-b", devbroker.bootstrap, str(path)],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    summary = summary_of(r.stderr)
    assert summary["fast_path"] == FAST
    assert summary["duplicates"] == 1 and summary["produced"] == 8 + 2
    assert summary["delivered"] == 10
    ing = Ingest(None, 0, devbroker)
    got = ing.posts(min_count=8)
    assert len(got) == 8  # the duplicate of twitter:1 is not produced again
    for key, p in got:
        sent, conv = expected[p["id"]]
        assert key == conv
        check_post(p, sent, conv)
    # created_at order by instant (a conversation is one partition, so its
    # order is kept): 02:00+02:00 is midnight, the earliest
    thread = [p["id"] for k, p in got if k == "twitter:1"]
    assert thread == ["twitter:4", "twitter:1", "twitter:2", "twitter:3", "twitter:5"]
    dlq = ing.dlq(min_count=2)
    assert sorted(e["code"] for e in dlq) == ["invalid_json", "invalid_post"]
    assert all(e["source"] == str(path) for e in dlq)


def test_http_batch_mixes_both_paths(procs, devbroker):
    ing = start_ingest(procs, devbroker)
    root = post(101)
    reply = post(102)
    del reply["conversation"]
    reply["in_reply_to"] = "twitter:101"                 # earlier in the same request
    del reply["source"]                                  # "jsonl" added
    nfd = post(103, text="e\u0301")                     # the jansson way
    del nfd["conversation"]
    nfd["in_reply_to"] = "twitter:102"
    bad = post(104)
    del bad["text"]
    body = "\n".join(json.dumps(p, ensure_ascii=False) for p in (root, reply, nfd, root, bad))
    status, answer, _ = ing.post(body)
    assert status == 207, answer
    assert [x["status"] for x in answer["results"]] == [
        "accepted", "accepted", "accepted", "duplicate", "rejected"]
    assert answer["results"][4]["field"] == "text" and answer["field"] == "text"
    got = {p["id"]: (k, p) for k, p in ing.posts(min_count=3)}
    assert set(got) == {"twitter:101", "twitter:102", "twitter:103"}
    for pid, sent in (("twitter:101", root), ("twitter:102", reply), ("twitter:103", nfd)):
        key, p = got[pid]
        assert key == "twitter:101"
        check_post(p, sent, "twitter:101")
    assert got["twitter:103"][1]["text"] == "e\u0301"
    dlq = ing.dlq(min_count=1)
    assert len(dlq) == 1 and dlq[0]["code"] == "invalid_post" and dlq[0]["offset"] == 4
    assert json.loads(base64.b64decode(dlq[0]["payload_b64"]))["id"] == "twitter:104"

    # a later request: a reply to a post of the first joins its conversation
    # through the dedup window; a post already produced is a duplicate
    late = post(105)
    del late["conversation"]
    late["in_reply_to"] = "twitter:103"
    status, answer, _ = ing.post("\n".join(json.dumps(p) for p in (late, reply)) + "\n")
    assert status == 202, answer
    assert answer == {"accepted": 1, "duplicates": 1, "rejected": 0, "results": [
        {"index": 0, "status": "accepted", "id": "twitter:105"},
        {"index": 1, "status": "duplicate", "id": "twitter:102"}]}
    got = {p["id"]: (k, p) for k, p in ing.posts(min_count=4)}
    assert len(got) == 4
    key, p = got["twitter:105"]
    assert key == "twitter:101"
    check_post(p, late, "twitter:101")


def test_null_conversation_comes_out_once(tmp_path):
    """"conversation": null takes the jansson way and comes out with one
    conversation, the resolved one (it used to be written after the null)."""
    parent = post(20, created_at="2020-01-01T00:00:05Z")
    child = post(21, created_at="2020-01-01T00:00:06Z", conversation=None,
                 in_reply_to="twitter:20")
    path = tmp_path / "null.jsonl"
    path.write_text(json.dumps(parent) + "\n" + json.dumps(child) + "\n", encoding="utf-8")
    r = subprocess.run([bin_path("ingest"), "convert", str(path)], capture_output=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr.decode()

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    posts = [json.loads(l, object_pairs_hook=no_duplicates)
             for l in r.stdout.decode().splitlines()]
    assert [p["id"] for p in posts] == ["twitter:20", "twitter:21"]
    assert posts[1]["conversation"] == posts[0]["conversation"]
