# The image behind the `worker` and `projector` services of docker-compose.yml:
#   docker build -t cabinet-register .
#   docker run --env-file .env cabinet-register            # cabinet worker
#   docker run --env-file .env cabinet-register projector  # cabinet projector
#
# Two stages: the build stage holds pip's build-time downloads (setuptools
# for the project's own build); the runtime stage receives only the finished
# virtual environment, so nothing is fetched when a container starts.

# Debian release pinned so both stages share one libc and the venv's
# interpreter path stays valid when copied across.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN python -m venv /opt/cabinet
WORKDIR /src

# Dependencies first, from pyproject.toml alone, so a change to the code
# reuses this (slow) layer. Only [project].dependencies: the dev extras
# (pytest, ruff, mypy, ...) never reach the image.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && /opt/cabinet/bin/pip install -r /tmp/requirements.txt

# A regular (not editable) install, so the runtime stage needs no source tree.
COPY . .
RUN /opt/cabinet/bin/pip install --no-deps . \
    && /opt/cabinet/bin/pip check


FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="cabinet-register" \
      org.opencontainers.image.description="Register of Thai cabinet resolutions: Temporal worker and projector"

# psycopg is installed without its binary extra, so it loads the system's
# libpq at run time.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric uid, so volume ownership and orchestrators' runAsNonRoot
# checks do not depend on name lookup.
RUN groupadd --system --gid 10001 cabinet \
    && useradd --system --uid 10001 --gid cabinet --home-dir /var/lib/cabinet \
        --create-home --shell /usr/sbin/nologin cabinet

COPY --from=build /opt/cabinet /opt/cabinet

# CABINET_DATA_DIR: even with the PostgreSQL store the CLI writes some files
# (scratch databases for audit replays); an absolute path in the user's own
# home keeps that writable whatever working directory a container is given.
ENV PATH=/opt/cabinet/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CABINET_DATA_DIR=/var/lib/cabinet/data

WORKDIR /var/lib/cabinet
USER 10001:10001

ENTRYPOINT ["cabinet"]
CMD ["worker"]
