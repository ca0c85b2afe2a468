.PHONY: run test lint format bench bench-budgets
run:  ## install, migrate, seed the demo, start web + worker + beat
	bash bin/run
test:  ## install and run the whole test suite
	bash bin/test
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports
format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
bench:  ## campaign-scale pages under load + the main budgets; writes bench/results/ (needs DATABASE_URL, REDIS_URL, wrk; see bench/README.md)
	.venv/bin/python -m bench
bench-budgets:  ## every benchmarks/ program against its budget; those needing DATABASE_URL/REDIS_URL are skipped without them
	.venv/bin/python -m benchmarks
