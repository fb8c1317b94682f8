#!/usr/bin/python3
"""The classify step written the way many teams would: a Python peer of
outcry-classify for `make bench` (bench/README.md, "The Python peer").

Debian's python3-confluent-kafka (a consumer group, batched
consume(num_messages=..., timeout=0.1)), the standard json module, and
scikit-learn linear models (SGDClassifier, logistic loss) over hashed word
1-2-grams and character 3-4-grams (char_wb), trained at start-up on
data/train.jsonl. Each post gets a "classification" object (complaint,
score, category, category_score, severity, sentiment, signals, model) and
goes to the classified topic with the same key; input that is not a post
goes to the dlq topic. At-least-once like the stages: a batch's offsets are
committed after its outputs are flushed.

Progress is served like a stage's: OUTCRY_HTTP (or --http) host:port with
/metrics (outcry_messages_in_total, outcry_messages_out_total), /healthz and
/readyz (200 once trained and assigned partitions), so bench/run.py
measures it exactly as it measures the C stages.

    OUTCRY_BROKERS=127.0.0.1:9092 bench/peer_classify.py [--http 127.0.0.1:8090]
"""
import argparse
import http.server
import json
import os
import re
import signal
import sys
import threading
import time

import numpy as np
import scipy.sparse as sp
from confluent_kafka import Consumer, KafkaError, Producer
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "py-sgd-hashing/1"
CHURN = re.compile(r"cancel|switch(ing)? to|never (ordering|buying|flying)|i'?m done|last month",
                   re.I)
PRAISE = re.compile(r"thank|love|great|wonderful|shout out|perfect", re.I)


class Model:
    """Hashed word 1-2-grams + char_wb 3-4-grams; three linear models."""

    def __init__(self, train_path, seed=1):
        self.word = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=2**20,
                                      alternate_sign=False, lowercase=True)
        self.char = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 4), n_features=2**20,
                                      alternate_sign=False, lowercase=True)
        texts, complaint, category, severity = [], [], [], []
        with open(train_path) as f:
            for line in f:
                r = json.loads(line)
                texts.append(r["text"])
                complaint.append(int(r["complaint"]))
                category.append(r.get("category", "other"))
                severity.append(r.get("severity", "low"))
        X = self.features(texts)
        kw = dict(loss="log_loss", alpha=1e-5, max_iter=30, tol=None, random_state=seed)
        self.complaint = SGDClassifier(**kw).fit(X, complaint)
        self.category = SGDClassifier(**kw).fit(X, category)
        self.severity = SGDClassifier(**kw).fit(X, severity)
        # predict computes X @ coef_.T; scipy's sparse product needs that
        # operand C-contiguous and copies it when it is not, on every call.
        # fit leaves coef_ C-ordered, so each batch of 500 copied ~235 MB of
        # coefficients (14 rows of 2 x 2^20 doubles): ~60% of the peer's
        # time, and bound by memory bandwidth, so it also made the peer's
        # speed swing with whatever else the machine did. Fortran order
        # makes coef_.T C-contiguous: same results, no copy (bench/README.md,
        # "The Python peer").
        for m in (self.complaint, self.category, self.severity):
            m.coef_ = np.asfortranarray(m.coef_)

    def features(self, texts):
        return sp.hstack([self.word.transform(texts), self.char.transform(texts)], format="csr")

    def classify(self, texts):
        X = self.features(texts)
        p = self.complaint.predict_proba(X)[:, 1]
        cat = self.category.predict_proba(X)
        sev = self.severity.predict_proba(X)
        ci, si = cat.argmax(axis=1), sev.argmax(axis=1)
        out = []
        for k, text in enumerate(texts):
            signals = []
            if CHURN.search(text):
                signals.append("churn_threat")
            if PRAISE.search(text):
                signals.append("praise")
            out.append({"complaint": bool(p[k] >= 0.5), "score": round(float(p[k]), 3),
                        "category": str(self.category.classes_[ci[k]]),
                        "category_score": round(float(cat[k, ci[k]]), 3),
                        "severity": str(self.severity.classes_[si[k]]),
                        "sentiment": round(float(1.0 - 2.0 * p[k]), 3),
                        "signals": signals, "model": MODEL})
        return out


class State:
    def __init__(self):
        self.n_in = 0
        self.n_out = 0
        self.n_dlq = 0
        self.ready = False


def serve(addr, state):
    host, port = addr.rsplit(":", 1)

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/metrics":
                body = ("# TYPE outcry_messages_in_total counter\n"
                        "outcry_messages_in_total{stage=\"peer\"} %d\n"
                        "# TYPE outcry_messages_out_total counter\n"
                        "outcry_messages_out_total{stage=\"peer\"} %d\n"
                        "outcry_dlq_total{stage=\"peer\"} %d\n"
                        % (state.n_in, state.n_out, state.n_dlq)).encode()
                code = 200
            elif self.path == "/healthz":
                body, code = b"ok\n", 200
            elif self.path == "/readyz":
                body, code = (b"ready\n", 200) if state.ready else (b"not ready\n", 503)
            else:
                body, code = b"not found\n", 404
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer((host, int(port)), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def kafka_props(conf):
    """OUTCRY_KAFKA_<PROP> as the stages read them ('_' for '.')."""
    for k, v in os.environ.items():
        if k.startswith("OUTCRY_KAFKA_") and len(k) > 13:
            conf[k[13:].lower().replace("_", ".")] = v
    return conf


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-b", "--brokers", default=os.environ.get("OUTCRY_BROKERS", "localhost:9092"))
    ap.add_argument("-G", "--group", default=os.environ.get("OUTCRY_GROUP", "outcry-peer"))
    ap.add_argument("--topic-prefix", default=os.environ.get("OUTCRY_TOPIC_PREFIX", "outcry."))
    ap.add_argument("--http", default=os.environ.get("OUTCRY_HTTP", ""))
    ap.add_argument("--train", default=os.path.join(os.path.dirname(HERE), "data", "train.jsonl"))
    ap.add_argument("--batch", type=int, default=500, help="messages per consume()")
    args = ap.parse_args()

    state = State()
    if args.http:
        serve(args.http, state)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))

    t0 = time.time()
    model = Model(args.train)
    print(json.dumps({"event": "trained", "seconds": round(time.time() - t0, 2)}),
          file=sys.stderr, flush=True)

    src, dst, dlq = (args.topic_prefix + t for t in ("posts", "classified", "dlq"))
    consumer = Consumer(kafka_props({
        "bootstrap.servers": args.brokers, "group.id": args.group,
        "enable.auto.commit": False, "auto.offset.reset": "earliest"}))
    producer = Producer(kafka_props({
        "bootstrap.servers": args.brokers, "acks": "all", "linger.ms": 5,
        "compression.type": "lz4"}))

    def on_assign(c, parts):
        state.ready = True

    consumer.subscribe([src], on_assign=on_assign)
    while not stop:
        msgs = consumer.consume(num_messages=args.batch, timeout=0.1)
        if not msgs:
            continue
        posts, keys = [], []
        for m in msgs:
            if m.error():
                if m.error().code() != KafkaError._PARTITION_EOF:
                    print(json.dumps({"event": "kafka_error", "msg": str(m.error())}),
                          file=sys.stderr, flush=True)
                continue
            try:
                post = json.loads(m.value())
                text = post["text"]
                if not isinstance(text, str):
                    raise ValueError("text is not a string")
            except (ValueError, KeyError, TypeError) as e:
                producer.produce(dlq, key=m.key(), value=json.dumps(
                    {"stage": "peer", "reason": str(e), "topic": m.topic(),
                     "partition": m.partition(), "offset": m.offset()}))
                state.n_dlq += 1
                continue
            posts.append(post)
            keys.append(m.key())
        if posts:
            for post, key, c in zip(posts, keys, model.classify([p["text"] for p in posts])):
                post["classification"] = c
                value = json.dumps(post, ensure_ascii=False, separators=(",", ":"))
                while True:
                    try:
                        producer.produce(dst, key=key, value=value.encode())
                        break
                    except BufferError:
                        producer.poll(0.1)
            producer.poll(0)
        # at-least-once: outputs acknowledged before the inputs are committed
        producer.flush()
        consumer.commit(asynchronous=True)
        state.n_in += len(msgs)
        state.n_out += len(posts)
    producer.flush(10)
    consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
