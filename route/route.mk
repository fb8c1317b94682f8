# route/route.mk -- outcry-route's own targets (the top Makefile includes it).

.PHONY: bench-route
# Routing decisions per CPU second (post already parsed) with the 50-rule,
# 10-regex file, then the --stdio stage end to end. A benchmark: it prints
# figures and asserts nothing (docs/routing.md, "Performance").
bench-route: $(BUILD)/outcry-route
	$(BUILD)/outcry-route bench --rules bench/rules-50.yaml --n 2000000 --e2e 200000
