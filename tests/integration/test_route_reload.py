"""Hot reload of the rules file while posts flow through Kafka.

outcry-route runs in Kafka mode against a dev broker; classified complaints
are produced straight to outcry.classified by a background thread at a
steady pace. Meanwhile the rules file is replaced with a good one (noticed
by the once-a-second file check), then with a bad one (refused: logged with
its errors, counted in /metrics, the old rules keep routing), then with a
good one again (applied on SIGHUP). Every rule, tag and SLA target in a rules
file carries its generation, so each output shows which rule set routed it:

- nothing is lost: every produced post is in outcry.routed;
- nothing is routed by a half-loaded set: rule, tag and SLA of each output
  belong to the same generation, and per output partition the generations
  never go backwards (a swap happens between two messages);
- the bad file never routed anything, and its refusal is in the log and in
  outcry_route_rules_reload_failures_total.
"""
import json
import os
import signal
import threading
import time


from conftest import wait_for
from stages import Stage, canonical_post

# Generation g: rules named <name>-g<g>, tag gen<g>, first reply p2 = 10*g s.
RULES = """version: 1
teams: [billing, care]
policies:
  std: {{p1: {g}s, p2: {g}0s, p3: {g}00s, p4: {g}000s}}
rules:
  - {{name: billing-g{g}, match: {{category: billing}}, team: billing, priority: p2,
     tags: [gen{g}]}}
  - {{name: default-g{g}, default: true, team: care, priority: p2, policy: std, tags: [gen{g}]}}
"""
BAD = """version: 1
teams: [billing, care]
policies:
  std: {p1: 1s, p2: 2s, p3: 3s, p4: 4s}
rules:
  - {name: billing-g9, match: {category: billing, regex: 'a(b'}, team: billing, priority: p2}
  - {name: default-g9, default: true, team: care, priority: p2, policy: std, tagz: [gen9]}
"""


def write_atomically(path, text):
    tmp = str(path) + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class Flow:
    """Produces classified complaints at a steady pace until stopped."""

    def __init__(self, devbroker, rate=150):
        from confluent_kafka import Producer
        self.producer = Producer(devbroker.producer_conf({"linger.ms": 5}))
        self.topic = devbroker.topic("classified")
        self.rate = rate
        self.ids = []
        self.errors = []
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        n = 0
        while not self.stop_flag.is_set():
            n += 1
            p = canonical_post(n, n % 50 + 1, "complaint %d" % n)
            p["classification"] = {"complaint": True, "score": 0.9, "severity": "medium",
                                   "category": "billing" if n % 2 else "service",
                                   "signals": []}
            self.producer.produce(self.topic, key=p["conversation"], value=json.dumps(p),
                                  on_delivery=self.delivered)
            self.ids.append(p["id"])
            self.producer.poll(0)
            time.sleep(1.0 / self.rate)
        left = self.producer.flush(15)
        assert left == 0, "%d posts not delivered to %s" % (left, self.topic)

    def delivered(self, err, msg):
        if err:
            self.errors.append(err)

    def produced(self):
        return len(self.ids)


def test_reload_good_bad_good_while_posts_flow(devbroker, tmp_path):
    rules = tmp_path / "rules.yaml"
    write_atomically(rules, RULES.format(g=1))
    route = Stage("route", ["--rules", str(rules)],
                  {"OUTCRY_BROKERS": devbroker.bootstrap, "OUTCRY_KAFKA_SESSION_TIMEOUT_MS": "6000",
                   "OUTCRY_LOG": "info"}, str(tmp_path))
    flow = Flow(devbroker)
    try:
        route.wait_ready()
        assert route.metric("outcry_route_rules_generation") == 1
        flow.thread.start()

        def routed_at_least(n):
            return lambda: route.metric("outcry_route_routed_total") >= n

        # generation 1 routes for a while
        wait_for(routed_at_least(100), 60, "route to route 100 posts with generation 1")
        # a good file: noticed by the file check, no signal
        write_atomically(rules, RULES.format(g=2))
        wait_for(lambda: route.metric("outcry_route_rules_reloads_total") == 1, 15,
                 "the changed file to be reloaded")
        assert route.metric("outcry_route_rules_generation") == 2
        base = route.metric("outcry_route_routed_total")
        wait_for(routed_at_least(base + 100), 30, "posts routed by generation 2")
        # a bad file: refused, generation 2 stays
        write_atomically(rules, BAD)
        wait_for(lambda: route.metric("outcry_route_rules_reload_failures_total") == 1, 15,
                 "the bad file to be refused")
        assert route.metric("outcry_route_rules_generation") == 2
        assert route.metric("outcry_route_rules_reloads_total") == 1
        base = route.metric("outcry_route_routed_total")
        wait_for(routed_at_least(base + 100), 30, "posts routed while the bad file sits there")
        # the refused file is not retried every second
        time.sleep(2.5)
        assert route.metric("outcry_route_rules_reload_failures_total") == 1
        # a good file again (the file check or a SIGHUP may pick it up first)
        write_atomically(rules, RULES.format(g=3))
        route.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: route.metric("outcry_route_rules_generation") >= 3, 15,
                 "generation 3")
        # SIGHUP alone reloads: the file is unchanged now
        time.sleep(1.5)
        before = route.metric("outcry_route_rules_reloads_total")
        route.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: route.metric("outcry_route_rules_reloads_total") == before + 1, 15,
                 "a reload on SIGHUP")
        base = route.metric("outcry_route_routed_total")
        wait_for(routed_at_least(base + 100), 30, "posts routed by generation 3")
    finally:
        flow.stop_flag.set()
        if flow.thread.is_alive():
            flow.thread.join(30)
    assert not flow.errors, flow.errors[:3]
    total = flow.produced()
    wait_for(lambda: route.metric("outcry_route_routed_total") >= total, 60,
             "every produced post to be routed")
    assert route.stop() == 0
    events = []  # the whole log (Stage.log_events() reads only its tail)
    with open(route.log_path, errors="replace") as f:
        for line in f:
            if line.startswith("{"):
                events.append(json.loads(line))

    # the refusal, with its reasons, is in the log
    refused = [e for e in events if e.get("event") == "rules_refused"]
    assert len(refused) == 1, refused
    errors = " | ".join(refused[0]["errors"])
    assert "bad regular expression 'a(b'" in errors and "missing closing parenthesis" in errors
    assert "unknown key 'tagz'" in errors
    assert refused[0]["generation"] == 2
    reloaded = [e for e in events if e.get("event") == "rules_reloaded"]
    assert [e["generation"] for e in reloaded][:2] == [2, 3]
    assert reloaded[0]["trigger"] == "file changed" and reloaded[-1]["trigger"] == "SIGHUP"

    # nothing lost, nothing half-loaded
    out = devbroker.read_all(devbroker.topic("routed"), min_count=total, timeout=60, idle=2.0)
    seen = {}
    last_gen = {}
    for key, value, partition, offset in sorted(out, key=lambda m: (m[2], m[3])):
        post = json.loads(value)
        r = post["routing"]
        gen = int(r["rule"].rsplit("-g", 1)[1])
        assert gen in (1, 2, 3), r  # never 9: the bad file routed nothing
        assert r["tags"] == ["gen%d" % gen], r
        assert r["sla"]["first_reply_s"] == gen * 10, r  # p2 of that generation's policy
        assert r["team"] == ("billing" if post["classification"]["category"] == "billing"
                             else "care")
        assert gen >= last_gen.get(partition, 1), "generation went backwards: %r" % r
        last_gen[partition] = gen
        seen.setdefault(post["id"], gen)
    missing = set(flow.ids) - set(seen)
    assert not missing, "%d post(s) lost, e.g. %s" % (len(missing), sorted(missing)[:5])
    assert set(seen.values()) == {1, 2, 3}
