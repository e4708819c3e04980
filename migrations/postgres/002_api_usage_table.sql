-- 002 api_usage_table: one row per API request, for usage reporting per key.

CREATE TABLE IF NOT EXISTS api_usage (
    id BIGSERIAL PRIMARY KEY,
    api_key VARCHAR(255),
    endpoint VARCHAR(512) NOT NULL,
    method VARCHAR(16) NOT NULL,
    status_code INTEGER,
    timestamp TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE INDEX IF NOT EXISTS idx_api_usage_key ON api_usage(api_key);
CREATE INDEX IF NOT EXISTS idx_api_usage_timestamp ON api_usage(timestamp);
