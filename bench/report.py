"""make bench's report: ratios within the run, the issue's targets marked
met or not, bench/results.json, bench/results.md and bench/results.png
(gnuplot), and the comparison of every ratio with the previous run."""
import copy
import json
import os
import subprocess

from harness import HERE, OUT

# The benchmark issue's targets.
MIN_PER_CPU_S = 100_000
MIN_VS_CEILING = 0.5
MAX_RSS_MB = 64
MAX_P99_MS = 25
MIN_VS_PEER = 10
AGREE = 0.15


def by_name(results, name):
    return next((r for r in results if r.get("name") == name and "error" not in r), None)


def ratio(a, b, digits=3):
    return round(a / b, digits) if a is not None and b else None


def best_ratio(a, b, key, digits=3):
    """a / b for one figure, each side its best run (run.py's best_of: the
    highest rate, the lowest cost). Pinned, a target's runs agree closely
    except for an occasional slow spell of the shared machine, which only
    ever slows a run down: the best of the runs leaves it out, where an
    average over rounds would carry it into the ratio (bench/README.md)."""
    return ratio(a[key], b[key], digits)


def compute(doc):
    """Adds the ratios and the targets to doc."""
    stages = doc["stages"]
    ceiling = by_name(stages, "passthrough")
    for r in stages:
        if ceiling and "error" not in r:
            r["vs_ceiling_wall"] = best_ratio(r, ceiling, "posts_per_s")
            r["vs_ceiling_cpu"] = best_ratio(r, ceiling, "posts_per_cpu_s")
    classify = by_name(stages, "classify")
    ratios = {}
    for r in stages:
        if r["name"] != "passthrough" and "vs_ceiling_cpu" in r:
            ratios["%s/passthrough (CPU)" % r["name"]] = r["vs_ceiling_cpu"]
            ratios["%s/passthrough (wall)" % r["name"]] = r["vs_ceiling_wall"]
    peer = doc.get("peer")
    if peer and "error" not in peer and classify:
        peer["outcry_vs_peer_cpu"] = best_ratio(classify, peer, "posts_per_cpu_s", 1)
        peer["outcry_vs_peer_wall"] = best_ratio(classify, peer, "posts_per_s", 1)
        ratios["classify/peer (CPU)"] = peer["outcry_vs_peer_cpu"]
    sc = doc.get("scaling")
    if sc and "error" not in sc.get("two", {"error": 1}) and "error" not in sc.get("one",
                                                                              {"error": 1}):
        two, one = sc["two"], sc["one"]
        sc["two_vs_one_wall"] = best_ratio(two, one, "posts_per_s")
        sc["two_vs_one_cpu"] = best_ratio(two, one, "posts_per_cpu_s")
        ratios["classify 2 instances/1 (wall)"] = sc["two_vs_one_wall"]
        ratios["classify 2 instances/1 (CPU)"] = sc["two_vs_one_cpu"]
    rc = doc.get("redis")
    if rc and len(rc) == 2 and all("error" not in r for r in rc):
        small, big = rc
        doc["redis_ratio"] = {
            "alert_cpu": best_ratio(big, small, "cpu_us_per_post"),
            "redis_cpu": best_ratio(big, small, "redis_cpu_us_per_post"),
            "wall": best_ratio(big, small, "wall_us_per_post")}
        ratios["alert CPU/post, 1M/1k clocks"] = doc["redis_ratio"]["alert_cpu"]
        ratios["alert wall/post, 1M/1k clocks"] = doc["redis_ratio"]["wall"]
    doc["ratios"] = ratios

    targets = []

    def target(what, figure, met):
        targets.append({"target": what, "figure": figure, "met": bool(met)})

    ingest = (doc.get("pipeline") or {}).get("throughput", {})
    for r in stages:
        if r["name"] == "passthrough" or "error" in r:
            continue
        target("%s >= 100,000 posts per CPU-second" % r["name"],
               "%d" % r["posts_per_cpu_s"], r["posts_per_cpu_s"] >= MIN_PER_CPU_S)
    if "cpu_us_per_post" in ingest and not by_name(stages, "ingest"):
        per = round(1e6 / ingest["cpu_us_per_post"]["ingest"])
        target("ingest >= 100,000 posts per CPU-second (replay, in the pipeline run)",
               "%d" % per, per >= MIN_PER_CPU_S)
    for r in stages:
        if r["name"] == "passthrough" or "vs_ceiling_cpu" not in r:
            continue
        # both readings of "50% of the ceiling": the rate it carries, and
        # what a CPU-second of it carries (report.missed() says why they part)
        target("%s >= 50%% of the passthrough ceiling (posts/s)" % r["name"],
               "%.0f%%" % (100 * r["vs_ceiling_wall"]), r["vs_ceiling_wall"] >= MIN_VS_CEILING)
        target("%s >= 50%% of the passthrough ceiling (per CPU-second)" % r["name"],
               "%.0f%%" % (100 * r["vs_ceiling_cpu"]), r["vs_ceiling_cpu"] >= MIN_VS_CEILING)
    for r in stages:
        if r["name"] == "passthrough" or "error" in r:
            continue
        target("%s peak RSS <= 64 MB" % r["name"], "%.0f MB" % r["peak_rss_mb"],
               r["peak_rss_mb"] <= MAX_RSS_MB)
    lats = (doc.get("pipeline") or {}).get("latency") or []
    lat = next((x for x in lats if x.get("offered_rate") == 10000), lats[0] if lats else {})
    if "p99_ms" in lat:
        p99 = lat["p99_ms"]
        target("end-to-end p99 <= 25 ms at %d posts/s" % lat["offered_rate"],
               "%.1f ms" % p99 if p99 is not None else
               "over 1%% of probes not received (%d of %d)" % (lat["probes_received"], lat["probes"]),
               p99 is not None and p99 <= MAX_P99_MS)
    if peer and "outcry_vs_peer_cpu" in peer:
        target("classify >= 10x the Python peer per CPU-second",
               "%.1fx" % peer["outcry_vs_peer_cpu"], peer["outcry_vs_peer_cpu"] >= MIN_VS_PEER)
    doc["targets"] = targets


def agreement(doc, prev):
    """Every ratio of this run against the previous run's (recomputed from its
    figures by this code, so that both are the same kind of ratio)."""
    if not prev or prev.get("n") != doc.get("n") or "ratios" not in prev:
        return None
    prev = copy.deepcopy(prev)
    compute(prev)
    rows = []
    for k, v in doc["ratios"].items():
        p = prev["ratios"].get(k)
        if v is None or not p:
            continue
        d = abs(v - p) / p
        rows.append({"ratio": k, "this": v, "previous": p, "diff": round(d, 3),
                     "within_15pct": d <= AGREE})
    return {"previous_at": prev.get("at"), "previous_commit": prev.get("commit", "?"), "rows": rows,
            "all_within_15pct": all(r["within_15pct"] for r in rows)}


def alert_wait(doc):
    a = by_name(doc["stages"], "alert")
    if not a:
        return "not measured"
    busy = a["posts_per_s"] / a["posts_per_cpu_s"]
    alerts = (a.get("counters") or {}).get("outcry_alerts_published_total")
    per = (" its %d posts led to %d alerts (%.2f a post), each published with a Lua script "
           "(SET NX, XADD, two PUBLISH) and followed by a state write;" % (
               a["posts"], alerts, alerts / a["posts"])) if alerts else ""
    return ("it is on the CPU %.0f%% of the time;%s redis-server's own CPU per post is in the "
            "Redis section" % (100 * busy, per))


def missed(doc):
    """Where each missed target's biggest cost lies, from this run's figures."""
    out = []
    miss = {t["target"] for t in doc["targets"] if not t["met"]}
    st = {r["name"]: r for r in doc["stages"] if "error" not in r}
    ceil = st.get("passthrough")
    if ceil and any("of the passthrough ceiling" in t for t in miss):
        # each run's own share of time on the CPU (the best posts/s and the
        # best posts per CPU-second may come from different runs)
        runs = [r for r in ceil.get("reps") or [ceil]
                if r.get("posts_per_s") and r.get("posts_per_cpu_s")]
        parts = ", ".join("%s %.1f" % (n, st[n]["cpu_us_per_post"]) for n in
                          ("ingest", "classify", "route", "alert") if n in st)
        out.append("**Share of the ceiling.** The ceiling consumes, decompresses and produces "
                   "without looking at a post: %.1f CPU µs a post. Its runs carried %s posts/s "
                   "while on the CPU %s of the time: the dev broker, on the other core, sets its pace, "
                   "and what it spends a post is the Kafka clients' floor. The stages are on "
                   "the CPU nearly all the time and spend %s µs; the posts/s ratios compare "
                   "what each carries with what the broker lets through, the per-CPU-second "
                   "ones what each adds to that floor: its own work, which the profiles below "
                   "show (classify's tokeniser, word lists and scoring; route's parse and rule "
                   "matching; ingest's validation and keying; cJSON parsing and copies in all). "
                   "The librdkafka, lz4 and kernel shares are the ceiling's own costs again."
                   % (ceil["cpu_us_per_post"], span([r["posts_per_s"] for r in runs]),
                      span([100.0 * r["posts_per_s"] / r["posts_per_cpu_s"] for r in runs], "%"),
                      parts))
    a = st.get("alert")
    if a and any(t.startswith("alert") for t in miss):
        alerts = (a.get("counters") or {}).get("outcry_alerts_published_total")
        out.append("**alert.** Bound by Redis and by memory: %s each alert is written once as "
                   "JSON text (docs/alert.md, \"What an alert costs\"), published by one Lua "
                   "script (SET NX, XADD, two PUBLISH), and every changed clock is written back "
                   "in the batch's transaction. The kernel's share in the profile below is the "
                   "largest: the system calls of those round trips, and page faults of a heap "
                   "that holds every open clock of the replay (alert's peak RSS above); then "
                   "copies (`memmove`: the state's commands through hiredis) and the clock "
                   "map's and heaps' lookups. redis-server's own CPU per post is in the Redis "
                   "section." % (
                       "its posts led to %.2f alerts a post (most complaints of the workload go "
                       "unanswered: warning, breach, escalation);" % (alerts / a["posts"])
                       if alerts else ""))
    peer, cl = doc.get("peer"), st.get("classify")
    if peer and cl and ceil and "error" not in peer and any("Python peer" in t for t in miss):
        floor = ceil["cpu_us_per_post"]
        own_c, own_p = cl["cpu_us_per_post"] - floor, peer["cpu_us_per_post"] - floor
        out.append("**classify against the Python peer.** Both pay the Kafka floor, librdkafka "
                   "consuming, decompressing and producing (the peer's confluent_kafka is "
                   "librdkafka too): the ceiling's %.1f CPU µs a post. Above it classify spends "
                   "%.1f µs a post and the peer %.1f, %.0fx as much; the floor they share is "
                   "what brings the whole ratio down to %.1fx. The peer's own time (cProfile) "
                   "goes to scikit-learn's character n-grams and feature hashing (json a few percent); "
                   "classify's to its tokeniser and scoring (its profile below). The peer's "
                   "coefficients are kept in Fortran order, without which scipy copied them on "
                   "every batch (bench/README.md, \"The Python peer\")." % (
                       floor, own_c, own_p, own_p / own_c if own_c > 0 else 0,
                       peer.get("outcry_vs_peer_cpu") or 0))
    if any("RSS" in t for t in miss) and ceil:
        out.append("**Memory.** librdkafka's consumer prefetch and producer queue: the ceiling, "
                   "which holds nothing else, peaks at %.0f MB itself. Debian's librdkafka "
                   "(2.0.2) re-checks a full prefetch queue only once a second, so a queue "
                   "small enough for 64 MB stalls a stage working through a backlog (71 MB at "
                   "16,500 posts/s against 162 MB at 82,900 for classify, docs/operations.md); "
                   "the default keeps throughput, and the queue sizes are settings.%s"
                   % (ceil["peak_rss_mb"],
                      " ingest's replay (%.0f MB) maps the whole posts file and keeps every "
                      "post until the threads are resolved (docs/ingest.md, \"Whole-file "
                      "reading\"): its memory is the file's size, by design; the HTTP intake "
                      "holds one batch at a time." % st["ingest"]["peak_rss_mb"]
                      if any(t.startswith("ingest peak RSS") for t in miss) else ""))
    lats = (doc.get("pipeline") or {}).get("latency") or []
    hi = next((x for x in lats if x.get("offered_rate") == 10000 and "cpu_s" in x), None)
    lo = next((x for x in lats if x.get("offered_rate") != 10000 and "p99_ms" in x), None)
    if hi and any("p99" in t for t in miss):
        wall = hi["send_s"] + hi.get("alert_done_after_last_send_s", 0)
        tot = sum(hi["cpu_s"].values()) / wall
        out.append("**Latency at 10,000 posts/s.** With linger.ms=1 and fetch.wait.max.ms=5 "
                   "every message travels in small batches, and the processes together use "
                   "%.2f of the %d cores (the dev broker, one thread, %.2f); ingest's producer "
                   "could only hand over %s posts/s, so posts queued for seconds%s. The dev "
                   "broker (librdkafka's mock cluster) answers a fetch with at most one "
                   "producer batch per partition, found by walking the partition's message "
                   "sets (docs/devbroker.md, \"Fetching\"), so its one thread sets the pace "
                   "of every hop. A real Kafka broker on its own machine removes both; on this one "
                   "the target is not reachable." % (
                       tot, doc["machine"]["cpus"], hi["cpu_s"].get("devbroker", 0) / wall,
                       fmt(hi.get("achieved_rate")),
                       "; at %d posts/s p50 %.1f ms, p99 %.1f ms, most of it the fetch wait and "
                       "linger of three hops" % (lo["offered_rate"], lo["p50_ms"], lo["p99_ms"])
                       if lo and lo.get("p99_ms") else ""))
    return out


def span(values, unit=""):
    """"lo-hi" of some figures (rounded), or the one figure."""
    lo, hi = round(min(values)), round(max(values))
    return ("%d%s" % (lo, unit)) if lo == hi else ("%d-%d%s" % (lo, hi, unit))


def fmt(v, spec="%d"):
    return spec % v if v is not None else "-"


def pinned_text(doc):
    pin = doc.get("pinned")
    if not pin:
        return "Not pinned to CPUs."
    return ("Pinned: the dev broker's threads on CPU %d, every thread of the target on CPU %d "
            "(`taskset`), so the scheduler does not move them between the cores they share; "
            "for alert, redis-server beside the broker." % tuple(pin))


def markdown(doc):
    L = []
    m = doc["machine"]
    L.append("# make bench: results\n")
    L.append("%s, %d CPUs (%s); %d posts per stage, seed %d, %d partitions; commit %s; %s; "
             "make bench took %.0f s. Figures from one run, ratios within it.\n"
             % (m["cpu_model"], m["cpus"], m["platform"], doc["n"], doc["seed"],
                doc["partitions"], doc.get("commit", "?"), doc["at"], doc.get("elapsed_s", 0)))
    busy = doc.get("machine_during_run")
    if busy:
        L.append("During the run the machine's CPUs were %.0f%% busy (the benchmark's processes "
                 "and anything else on the machine), %.1f%% stolen by the hypervisor; load average "
                 "%.2f at the start. Wall-clock rates depend on that; CPU-second figures much "
                 "less.\n" % (busy["busy_pct"], busy["steal_pct"], busy["load_average_at_start"]))
    L.append("![each stage against the ceiling, and the latency distribution](results.png)\n")

    L.append("## Targets\n")
    L.append("| target | figure | |")
    L.append("|---|---|---|")
    for t in doc["targets"]:
        L.append("| %s | %s | %s |" % (t["target"], t["figure"], "met" if t["met"] else "**missed**"))
    L.append("")

    L.append("## Each stage alone, one instance\n")
    runs = {r["name"]: len(r.get("reps", [])) for r in doc["stages"]}
    most = max((v for k, v in runs.items() if k != "passthrough"), default=1)
    fewer = "".join("; %s ran in the first %d only" % (k, v) for k, v in runs.items()
                    if 0 < v < most and k != "passthrough")
    L.append("The input is loaded into the dev broker while the stage starts; the stage then "
             "works through it as fast as it can (measured from its first input after the "
             "load to its last). The targets ran in %d round%s, alternating with each other "
             "(the ceiling at the start of each round and at the end of the last)%s; the best rate of each kind is shown, "
             "and the ratios are between best runs: a slow spell of the shared machine only "
             "ever slows a run down, and the best of the runs leaves it out. Every run is in "
             "results.json. ingest instead reads the posts file into the broker "
             "(`outcry-ingest replay --format jsonl`: parse, validate, key, produce), measured "
             "over its whole run, start to exit after the last acknowledgement. alert replays "
             "in event time (`--event-time`): clocks fire as the posts' own time passes their "
             "deadlines. %s\n"
             % (most, "" if most == 1 else "s", fewer, pinned_text(doc)))
    L.append("| target | posts | posts/s | posts per CPU-s | CPU µs/post | peak RSS MB | vs ceiling (wall) | vs ceiling (CPU) |")
    L.append("|---|---|---|---|---|---|---|---|")
    for r in doc["stages"]:
        if "error" in r:
            L.append("| %s | failed: %s | | | | | | |" % (r["name"], r["error"]))
            continue
        L.append("| %s | %d | %d | %d | %.2f | %.1f | %s | %s |" % (
            r["name"], r["posts"], r["posts_per_s"], r["posts_per_cpu_s"], r["cpu_us_per_post"],
            r["peak_rss_mb"], r.get("vs_ceiling_wall", ""), r.get("vs_ceiling_cpu", "")))
    L.append("")

    peer = doc.get("peer")
    if peer:
        L.append("## The Python peer of classify\n")
        if "error" in peer:
            L.append("failed: %s\n" % peer["error"])
        else:
            L.append("bench/peer_classify.py (confluent_kafka, json, scikit-learn SGDClassifier over "
                     "hashed word 1-2-grams and char_wb 3-4-grams, batches of %d), on the first %d "
                     "of the same posts; training excluded; it runs right after classify in each "
                     "round, pinned like it. outcry's figures are classify's above (%d posts): "
                     "the comparison is per CPU-second.\n"
                     % (peer.get("batch", 0), peer["posts"], doc["n"]))
            L.append("| | posts/s | posts per CPU-s | CPU µs/post | peak RSS MB |")
            L.append("|---|---|---|---|---|")
            L.append("| Python peer | %d | %d | %.1f | %.1f |" % (
                peer["posts_per_s"], peer["posts_per_cpu_s"], peer["cpu_us_per_post"],
                peer["peak_rss_mb"]))
            L.append("| outcry / peer | %s | **%s** | | |\n" % (
                peer.get("outcry_vs_peer_wall"), peer.get("outcry_vs_peer_cpu")))

    sc = doc.get("scaling")
    if sc:
        L.append("## Scaling: classify, 1 and 2 instances in one group\n")
        two = sc["two"]
        one = sc.get("one", {"error": "not measured"})
        if "error" in two or "error" in one:
            L.append("failed: %s\n" % two.get("error", one.get("error")))
        else:
            L.append("| instances | posts/s | posts per CPU-s (sum of processes) | peak RSS MB (largest) |")
            L.append("|---|---|---|---|")
            L.append("| 1 | %d | %d | %.1f |" % (one["posts_per_s"], one["posts_per_cpu_s"],
                                              one["peak_rss_mb"]))
            L.append("| 2 | %d | %d | %.1f |" % (two["posts_per_s"], two["posts_per_cpu_s"],
                                              two["peak_rss_mb"]))
            L.append("| 2 / 1 | %s | %s | |\n" % (sc["two_vs_one_wall"], sc["two_vs_one_cpu"]))
            L.append("Same %d posts, loaded before the instances start; measured from the moment "
                     "both hold partitions. Both unpinned (the 2 instances need both cores), "
                     "the 1-instance run right before the 2-instance one in each round, the "
                     "best of each; "
                     "the machine has 2 cores, shared by the instances and the broker.\n"
                     % two["posts"])

    pipe = doc.get("pipeline")
    if pipe:
        L.append("## The whole pipeline: ingest -> classify -> route -> alert -> Redis\n")
        t = pipe.get("throughput")
        if t and "error" in t:
            L.append("Throughput: failed: %s\n" % t["error"])
        elif t:
            L.append("**Throughput**: ingest replays %d posts as fast as it can (%d reach alert); "
                     "**%d posts/s end to end** (first post into classify to the last routed post "
                     "through alert), %d posts per CPU-second of all processes together.\n"
                     % (t["posts"], t["routed_posts"], t["posts_per_s"], t["posts_per_cpu_s"]))
            L.append("| process | " + " | ".join(t["cpu_us_per_post"]) + " | total |")
            L.append("|---|" + "---|" * (len(t["cpu_us_per_post"]) + 1))
            L.append("| CPU µs per post | " + " | ".join("%.1f" % v for v in
                     t["cpu_us_per_post"].values()) + " | %.1f |\n" % t["cpu_us_per_post_total"])
        lats = pipe.get("latency") or []
        if lats:
            st = next((x["settings"] for x in lats if "settings" in x), {})
            L.append("**Latency** from ingest's produce of a critical complaint (its Kafka "
                     "timestamp in outcry.posts) to the `case.critical` alert read from Redis "
                     "pub/sub, at fixed offered loads (ingest `replay --speed 1`), librdkafka "
                     "%s for every stage and ingest:\n"
                     % ", ".join("%s=%s" % kv for kv in st.items()))
            L.append("| offered posts/s | achieved | posts | probes (received) | p50 | p90 | "
                     "p99 | p99.9 | max | alert done |")
            L.append("|---|---|---|---|---|---|---|---|---|---|")
            for lat in lats:
                if "error" in lat:
                    L.append("| %d | failed: %s |||||||||" % (lat["offered_rate"], lat["error"]))
                    continue
                L.append("| %d | %s | %d | %d (%d) | %s | %s |" % (
                    lat["offered_rate"], fmt(lat["achieved_rate"]), lat["posts"], lat["probes"],
                    lat["probes_received"], " | ".join(
                        fmt(lat[k], "%.1f ms") for k in ("p50_ms", "p90_ms", "p99_ms", "p999_ms",
                                                         "max_ms")),
                    "%.1f s after the last send" % lat["alert_done_after_last_send_s"]
                    if lat["caught_up"] else
                    "no: %d of %d routed posts %.0f s after the last send"
                    % (lat["alert_handled"], lat["routed_posts"],
                       lat["alert_done_after_last_send_s"])))
            L.append("\nA percentile shown as - falls among probes not received within the "
                     "drain time after the last send (infinitely late).\n")
            L.append("CPU of each process over the latency run (from the start of ingest's "
                     "replay, warm-up included, to alert's last post), in cores (CPU-seconds "
                     "per second); the machine has %d:\n" % doc["machine"]["cpus"])
            procs = []
            for lat in lats:
                for k in lat.get("cpu_s", {}):
                    if k not in procs:
                        procs.append(k)
            L.append("| offered posts/s | " + " | ".join(procs) + " | total |")
            L.append("|---|" + "---|" * (len(procs) + 1))
            for lat in lats:
                if "cpu_s" not in lat or not lat.get("send_s"):
                    continue
                wall = lat["send_s"] + lat.get("alert_done_after_last_send_s", 0)
                cores = [lat["cpu_s"].get(k, 0) / wall for k in procs]
                L.append("| %d | " % lat["offered_rate"] + " | ".join("%.2f" % c for c in cores)
                         + " | %.2f |" % sum(cores))
            L.append("")
            thr = (t or {}).get("posts_per_s")
            for lat in lats:
                if thr and lat.get("offered_rate", 0) > thr:
                    L.append("At %d posts/s the offered load is above the pipeline's measured "
                             "end-to-end throughput (%d posts/s on this machine's 2 cores): "
                             "posts queue, and the latency is the queue's.\n"
                             % (lat["offered_rate"], thr))
            hops = [x for x in lats if x.get("hops")]
            if hops:
                names = list(hops[0]["hops"])
                L.append("Where the time goes, per hop (each stage's producer stamps its output; "
                         "the last hop ends at the subscriber), p50 / p99 ms:\n")
                L.append("| offered posts/s | " + " | ".join(names) + " |")
                L.append("|---|" + "---|" * len(names))
                for x in hops:
                    L.append("| %d | " % x["offered_rate"] + " | ".join(
                        "%s / %s" % (fmt(x["hops"][k]["p50_ms"], "%.0f"),
                                     fmt(x["hops"][k]["p99_ms"], "%.0f")) for k in names) + " |")
                L.append("")

    rc = doc.get("redis")
    if rc:
        L.append("## alert and Redis: cost per post with open clocks\n")
        L.append("| open clocks | posts | posts/s | alert CPU µs/post | redis-server CPU µs/post "
                 "| wall µs/post | Redis B/clock | alert start-up (load) s | alert peak RSS MB |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        for r in rc:
            if "error" in r:
                L.append("| %d | failed: %s | | | | | | | |" % (r["open_clocks"], r["error"]))
                continue
            L.append("| %d | %d | %d | %.1f | %.1f | %.1f | %d | %.1f | %.0f |" % (
                r["open_clocks"], r["posts"], r["posts_per_s"], r["cpu_us_per_post"],
                r["redis_cpu_us_per_post"], r["wall_us_per_post"], r["redis_bytes_per_clock"],
                r["ready_s"], r["peak_rss_mb"]))
        if doc.get("redis_ratio"):
            rr = doc["redis_ratio"]
            L.append("| 1M / 1k | | | %s | %s | %s | | | |" % (rr["alert_cpu"], rr["redis_cpu"],
                                                            rr["wall"]))
        L.append("")

    why = missed(doc)
    if why:
        L.append("## Missed targets: where the cost is\n")
        for w in why:
            L.append(w + "\n")

    profiled = [r for r in doc["stages"] if r.get("profile")]
    if profiled:
        L.append("## Where the time goes: perf profiles of the stages alone\n")
        L.append("`perf record -F 199` over each stage's measured interval; self time per "
                 "function, the top ones (`bench/out/<stage>.perf.data` for more). alert's "
                 "wall time is mostly waiting: %s.\n" % alert_wait(doc))
        for r in profiled:
            L.append("**%s** (%d posts per CPU-s); by object: %s\n" % (
                r["name"], r["posts_per_cpu_s"], ", ".join(
                    "%s %.0f%%" % (o["dso"], o["pct"]) for o in r["profile"]["by_object"][:6])))
            L.append("| self % | object | function |")
            L.append("|---|---|---|")
            for p in r["profile"]["top"]:
                L.append("| %.1f | %s | `%s` |" % (p["pct"], p["dso"], p["symbol"]))
            L.append("")

    ag = doc.get("agreement")
    L.append("## Repeatability\n")
    if ag:
        L.append("Every ratio against the previous run with the same n (%s, commit %s): %s.\n"
                 % (ag["previous_at"], ag.get("previous_commit", "?"),
                    "all within 15%" if ag["all_within_15pct"] else "**not all within 15%**"))
        L.append("| ratio | this run | previous | difference |")
        L.append("|---|---|---|---|")
        for r in ag["rows"]:
            L.append("| %s | %s | %s | %.0f%%%s |" % (r["ratio"], r["this"], r["previous"],
                                                    100 * r["diff"],
                                                    "" if r["within_15pct"] else " **> 15%**"))
        L.append("")
    else:
        L.append("No previous run with the same n to compare with.\n")
    return "\n".join(L)


def plot(doc, png):
    """Posts per CPU-second per target against the ceiling, and the latency
    CDF. Returns None, or why there is no plot."""
    rows = [(r["name"], r["posts_per_cpu_s"]) for r in doc["stages"] if "error" not in r]
    peer = doc.get("peer") or {}
    if "posts_per_cpu_s" in peer:
        rows.append(("python-peer", peer["posts_per_cpu_s"]))
    two = (doc.get("scaling") or {}).get("two", {})
    if "posts_per_cpu_s" in two:
        rows.append(("classify-x2", two["posts_per_cpu_s"]))
    thr = ((doc.get("pipeline") or {}).get("throughput") or {})
    if "posts_per_cpu_s" in thr:
        rows.append(("whole pipeline", thr["posts_per_cpu_s"]))
    bars = os.path.join(OUT, "plot-bars.dat")
    with open(bars, "w") as f:
        for name, v in rows:
            f.write('"%s" %d\n' % (name, v))
    lats = [x for x in ((doc.get("pipeline") or {}).get("latency") or []) if "probes" in x]
    cdfs = [(x, os.path.join(OUT, "latency-%d-ms.txt" % x["offered_rate"])) for x in lats]
    cdfs = [(x, f) for x, f in cdfs if os.path.exists(f) and os.path.getsize(f) > 0]
    ceiling = by_name(doc["stages"], "passthrough")
    script = [
        'set terminal pngcairo size 1400,560 font "sans,10"',
        'set output "%s"' % png,
        "set multiplot layout 1,2",
        'set title "posts per CPU-second, each target alone (%d posts)"' % doc["n"],
        "set style fill solid 0.7 border -1",
        "set boxwidth 0.6",
        "set yrange [0:%d]" % (1.2 * max([v for _, v in rows] + [MIN_PER_CPU_S])),
        "set bmargin 6",
        "set grid ytics",
        "set xtics rotate by -30",
        "set key top right",
        'set format y "%.0s%c"',
    ]
    if ceiling:
        script.append('plot "%s" using 0:2:xtic(1) with boxes lc rgb "#4477aa" notitle, '
                      '"" using 0:2:(sprintf("%%d",$2)) with labels offset 0,0.8 notitle, '
                      '%d with lines dt 2 lc rgb "#cc3311" title "ceiling (passthrough)", '
                      '%d with lines dt 3 lc rgb "#228833" title "target 100k/CPU-s"'
                      % (bars, ceiling["posts_per_cpu_s"], MIN_PER_CPU_S))
    else:
        script.append('plot "%s" using 0:2:xtic(1) with boxes notitle' % bars)
    if cdfs:
        colours = ["#4477aa", "#ee7733", "#228833", "#aa3377"]
        curves = ", ".join(
            '"%s" using 1:2 with steps lw 2 lc rgb "%s" title "%d posts/s offered: %d probes, '
            '%d received"' % (f, colours[i % 4], x["offered_rate"], x["probes"],
                              x["probes_received"]) for i, (x, f) in enumerate(cdfs))
        script += [
            "unset xtics", "set xtics", "set format y", "set grid xtics ytics",
            'set title "end-to-end latency CDF, ingest -> alert read from Redis"',
            "set logscale x", 'set xlabel "ms (log scale)"', 'set ylabel "fraction of probes"',
            "set xrange [1:*]", "set yrange [0:1]", "set key bottom right",
            "set arrow 1 from %d, graph 0 to %d, graph 1 nohead dt 2 lc rgb \"#cc3311\""
            % (MAX_P99_MS, MAX_P99_MS),
            'set label 1 "target: p99 <= %d ms" at %d, graph 0.95 left offset 0.5,0'
            % (MAX_P99_MS, MAX_P99_MS),
            "plot " + curves,
        ]
    script.append("unset multiplot")
    gp = os.path.join(OUT, "plot.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    r = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if r.returncode != 0:
        return "gnuplot failed: %s" % r.stderr.strip()[-300:]
    return None


def previous(doc):
    """The last run of the same size: bench/out/history/ (kept across runs,
    not committed), else the committed results.json if it has the same n."""
    for path in (os.path.join(OUT, "history", "results-n%d.json" % doc["n"]),
                 os.path.join(HERE, "results.json")):
        try:
            with open(path) as f:
                prev = json.load(f)
        except (OSError, ValueError):
            continue
        if prev.get("n") == doc["n"]:
            return prev
    return None


def write(doc):
    prev = previous(doc)
    compute(doc)
    doc["agreement"] = agreement(doc, prev)
    err = plot(doc, os.path.join(HERE, "results.png"))
    if err:
        doc["plot_error"] = err
    os.makedirs(os.path.join(OUT, "history"), exist_ok=True)
    for path in (os.path.join(HERE, "results.json"),
                 os.path.join(OUT, "history", "results-n%d.json" % doc["n"])):
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)
    md = markdown(doc)
    with open(os.path.join(HERE, "results.md"), "w") as f:
        f.write(md)
    return md
