.PHONY: demo test lint format worker beat

demo:      ## install, migrate, seed the demo and run web, worker and beat at http://127.0.0.1:8000
	bin/demo

test:      ## the whole test suite (lint, deploy check, SQLite, then PostgreSQL + Redis + worker)
	bin/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

worker:    ## a Celery worker (on CELERY_BROKER_URL, or the embedded default's broker folder)
	.venv/bin/celery -A cco_portal worker --loglevel=INFO

beat:      ## the Celery beat scheduler (likewise)
	.venv/bin/celery -A cco_portal beat --loglevel=INFO
