# One image for every process: web (the default command), worker, beat and migrate
# (docker-compose.yml overrides the command). Build: docker build -t virtualrun:latest .
FROM python:3.12-slim

# uv, from PyPI, reads uv.lock; the version is pinned so a rebuild installs the same way.
ARG UV_VERSION=0.13.9

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_MEDIA_ROOT=/app/var/media \
    DJANGO_PRIVATE_ROOT=/app/var/private

RUN pip install --no-cache-dir "uv==${UV_VERSION}" \
    && groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home app

WORKDIR /app

# Dependencies first (cached while only the code changes): the locked main group only,
# so pytest, playwright, honcho and ruff stay out.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-dev --no-install-project --python /usr/local/bin/python3.12 \
    && rm -rf /root/.cache

COPY . .

# Static files are part of the image (WhiteNoise serves them with their hashed names).
# Throwaway values, only so production settings load: nothing here is used at runtime.
# REDIS_URL is set so settings do not create the embedded broker's folders in var/.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
    EMAIL_URL=smtp://localhost \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --no-input --verbosity 1 \
    && mkdir -p /app/var/media /app/var/private \
    && chown -R app:app /app/var

# Non-root from here on; it may write only /app/var. The media and private volumes are
# mounted on folders that exist here owned by "app": Docker copies that ownership into a
# new, empty named volume, so a fresh volume is writable.
USER app

EXPOSE 8000

# --no-control-socket: gunicorn 25+ would otherwise try to create $HOME/.gunicorn/ for its
# runtime control socket (gunicornc), which nobody uses in a container and "app" cannot write.
# No HEALTHCHECK here: the worker and beat share this image and serve no HTTP.
# docker-compose.yml gives the web service its own check on /healthz.
# --timeout 30: a worker stuck longer (a query on a database that hung mid-request, which
# no server-side timeout can end) is killed and replaced; it is above the 15 s statement
# and 5 s connect timeouts, so it never cuts short a request that would have finished.
CMD ["sh", "-c", "exec gunicorn config.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --timeout 30 --graceful-timeout 30 --access-logfile - --no-control-socket"]
