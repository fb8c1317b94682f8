# alert's own targets (included by the top Makefile).
#   make bench-alert   Redis state benchmark: deadline check with 1,000 vs
#                      1,000,000 open clocks, Redis memory per open clock
.PHONY: bench-alert
bench-alert:
	/usr/bin/python3 alert/bench_state.py
