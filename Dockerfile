# syntax=docker/dockerfile:1
# Production image: gunicorn for the web, the same image runs the Celery
# worker and beat (see docker-compose.yml). Settings come from the environment.

# --- Front-end assets (GOV.UK Frontend, htmx) --------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/src ./static/src
# GDS Transport is licensed for GOV.UK services only and the stylesheet uses
# Arial, so the fonts folder is left out.
RUN mkdir -p static/dist static/govuk \
 && node_modules/.bin/sass --pkg-importer=node --style=compressed --no-source-map \
        static/src/app.scss static/dist/app.css \
 && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/ \
 && cp -R node_modules/govuk-frontend/dist/govuk/assets static/govuk/assets \
 && rm -rf static/govuk/assets/fonts \
 && cp node_modules/htmx.org/dist/htmx.min.js static/dist/

# --- Application ---------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's libraries (libharfbuzz-subset0 is easy to miss) and fonts for PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-liberation fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
# The lock: exact versions, and pip refuses any file whose hash is not in it.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt

COPY . .
COPY --from=assets /build/static/dist ./static/dist
COPY --from=assets /build/static/govuk ./static/govuk

# collectstatic needs settings to import: a throwaway key for this step only,
# not kept in the image. Importing settings creates var/; start it empty and
# writable by the app user (var/anchors is a volume: the access log's anchors).
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput -v0 \
 && rm -rf var && mkdir -p var/anchors && chown -R app:app var

USER app
EXPOSE 8000

# No access log: URLs can carry search terms (names). Errors still go to stderr.
CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--timeout", "60", \
     "--forwarded-allow-ips", "*"]
