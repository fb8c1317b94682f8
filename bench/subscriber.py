#!/usr/bin/python3
"""A downstream alert subscriber for make bench's latency probes.

Subscribes to the outcry:alerts channel of a Redis server, stamps every
alert with the wall clock (time.time()) the moment it is read, and on
SIGTERM writes one line per alert: receive time, type, post id.
Touches READY_FILE once the subscription is confirmed.

    subscriber.py PORT OUT_FILE READY_FILE
"""
import json
import signal
import sys
import time

import redis


def main():
    port, out, ready_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    r = redis.Redis(port=port)
    ps = r.pubsub(ignore_subscribe_messages=False)
    ps.subscribe("outcry:alerts")
    got = []
    while not stop:
        m = ps.get_message(timeout=0.2)
        if m is None:
            continue
        t = time.time()
        if m["type"] == "subscribe":
            open(ready_file, "w").close()
            continue
        if m["type"] == "message":
            got.append((t, m["data"]))
    with open(out, "w") as f:
        for t, data in got:
            a = json.loads(data)
            f.write("%.6f\t%s\t%s\n" % (t, a.get("type"), a.get("post", {}).get("id")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
