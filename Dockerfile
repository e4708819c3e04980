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

# Liveness only: /api/v1/health answers 200 within 1 s whatever the database does (it says
# database "up"/"down" in its body), so a database outage never marks this container unhealthy.
# The image has no curl: bun itself makes the request.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.MALWAR_PORT||8000)+'/api/v1/health',{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

CMD ["bun", "run", "start"]
