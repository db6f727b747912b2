# Build a wheel in one stage, install it in a slim runtime that runs as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 relais
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER relais
WORKDIR /home/relais
ENV RELAIS_ENVIRONMENT=production \
    PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status != 200)"
# Migrate, then serve. RELAIS_DATABASE_URL and RELAIS_JWT_SECRET must be set (see README).
CMD ["sh", "-c", "relais db upgrade && exec relais serve --host 0.0.0.0 --port 8000 --no-migrate"]
