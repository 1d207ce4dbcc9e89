# One image for web, worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cco_portal.settings.production

# WeasyPrint draws the report's PDF with Pango and HarfBuzz; DejaVu is the font it falls back to.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN useradd --create-home --uid 1000 portal

COPY requirements.txt .
# The lock pins every package with its hashes; --require-hashes refuses anything unpinned or altered.
RUN pip install --require-hashes -r requirements.txt

COPY . .
# Static files are collected at build time; WhiteNoise serves them with far-future cache headers. The production
# settings refuse to load without their services, so the build names stand-ins that collectstatic never contacts.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build \
    DATA_SOURCE_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    CELERY_BROKER_URL=redis://localhost:6379/0 EMAIL_URL=smtp://localhost:25 python manage.py collectstatic --no-input

USER portal
EXPOSE 8000
CMD ["gunicorn", "cco_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
