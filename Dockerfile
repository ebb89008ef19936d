# syntax=docker/dockerfile:1
# Underway in one image: the API (`underway serve`), the workers (`underway worker`) and the web app.
#
#   docker build -t underway .
#   docker compose up -d                 # the whole stack: see docker-compose.yml and docs/operating.md

# --- 1. The web app: static files, built from the lock file ---------------------------------------
FROM node:20-bookworm-slim AS web
WORKDIR /build/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. The backend: a virtual environment from uv.lock, the project installed non-editable -------
FROM python:3.11-slim-bookworm AS backend
# uv from PyPI, pinned: the lock file's resolver, not pip's.
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_PROJECT_ENVIRONMENT=/opt/underway \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never
WORKDIR /build/backend
# Dependencies first (a layer that changes only with the lock file), then the project itself.
COPY backend/pyproject.toml backend/uv.lock backend/README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY backend/src ./src
RUN uv sync --frozen --no-dev --no-editable

# --- 3. The runtime: the environment and the web app, run as an unprivileged user ----------------
FROM python:3.11-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 underway \
    && useradd --system --uid 10001 --gid underway --home-dir /var/lib/underway --shell /usr/sbin/nologin underway \
    && mkdir -p /var/lib/underway \
    && chown underway:underway /var/lib/underway
COPY --from=backend /opt/underway /opt/underway
COPY --from=web /build/frontend/dist /opt/underway-web
ENV PATH=/opt/underway/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    UNDERWAY_DATA_DIR=/var/lib/underway \
    UNDERWAY_WEB_DIR=/opt/underway-web
USER underway
WORKDIR /var/lib/underway
VOLUME ["/var/lib/underway"]
EXPOSE 8000
# `docker stop` sends SIGTERM: serve and worker drain within UNDERWAY_SHUTDOWN_GRACE_S (30 s by
# default), so give them that long before SIGKILL (compose: stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["underway"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
