# malwar storage service. Build: docker build -t malwar .   Run: see compose.yaml.
FROM oven/bun:1.4.5

WORKDIR /app

# Dependencies first, so editing source does not invalidate the install layer.
# patches/ holds the fixes applied to pinned dependencies (package.json patchedDependencies).
COPY package.json bun.lock ./
COPY patches ./patches
RUN bun install --frozen-lockfile --production

COPY src ./src
COPY migrations ./migrations
COPY tsconfig.json bunfig.toml ./

ENV MALWAR_HOST=0.0.0.0 \
    MALWAR_PORT=8000
EXPOSE 8000

# The image's non-root user; the SQLite default file then lives in a directory it owns.
RUN mkdir -p /app/data && chown bun:bun /app/data
ENV MALWAR_DB_PATH=/app/data/malwar.db
USER bun

CMD ["bun", "run", "start"]
