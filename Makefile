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
bench-budgets:  ## every program of benchmarks/ on its own (the last four need DATABASE_URL/REDIS_URL)
	.venv/bin/python -m benchmarks.draw_ranking
	.venv/bin/python -m benchmarks.activity_files
	.venv/bin/python -m benchmarks.parse_memory
	.venv/bin/python -m benchmarks.programme_scale
	.venv/bin/python -m benchmarks.draw_snapshot --keep --reuse
	.venv/bin/python -m benchmarks.draw_verify
	.venv/bin/python -m benchmarks.signup_timing
