# The bot's image for compose.yaml: `notch serve` by default (webhook mode).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY core ./core
COPY storage ./storage
COPY sandbox ./sandbox
COPY locales ./locales
# The catalogues compiled before the install, which carries them (package data).
RUN pip install --no-cache-dir Babel && pybabel compile -d locales -D messages \
    && pip install --no-cache-dir . && useradd --create-home notch
USER notch
# Inside a container the proxy reaches the bot over the compose network, not loopback.
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
CMD ["notch", "serve"]
