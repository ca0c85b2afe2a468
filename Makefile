.PHONY: run test lint format bench
run:  ## install, migrate, seed the demo, start web + worker + beat
	bash bin/run
test:  ## install and run the whole test suite
	bash bin/test
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports
format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
bench:  ## every benchmark against its budget; those needing DATABASE_URL/REDIS_URL are skipped without them
	.venv/bin/python -m benchmarks
