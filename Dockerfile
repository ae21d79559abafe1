FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY shared ./shared
COPY triage ./triage
COPY queues ./queues
COPY escalations ./escalations
COPY presales ./presales
COPY dashboards ./dashboards
COPY demo ./demo
COPY mail ./mail
COPY templates ./templates
COPY static ./static
COPY manage.py ./
RUN pip install --no-cache-dir . \
 && SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_SETTINGS_MODULE=config.settings.production python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
# gunicorn reads WEB_CONCURRENCY: sync workers, two per core (what bench/ measures on 2 cores).
ENV WEB_CONCURRENCY=4
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"]
