-- 005 scheduled_scanning_tables: recurring scan jobs and the history of their runs.

CREATE TABLE IF NOT EXISTS scheduled_jobs (
    id VARCHAR(255) PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    target_path TEXT NOT NULL,
    schedule VARCHAR(128) NOT NULL,
    layers VARCHAR(512) NOT NULL DEFAULT 'rule_engine,url_crawler,llm_analyzer,threat_intel',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    last_run TIMESTAMP,
    next_run TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS job_runs (
    id VARCHAR(255) PRIMARY KEY,
    job_id VARCHAR(255) NOT NULL REFERENCES scheduled_jobs(id) ON DELETE CASCADE,
    scan_id VARCHAR(255),
    status VARCHAR(32) NOT NULL DEFAULT 'pending',
    verdict VARCHAR(32),
    risk_score BIGINT,
    error TEXT,
    started_at TIMESTAMP NOT NULL DEFAULT NOW(),
    completed_at TIMESTAMP
);

CREATE INDEX IF NOT EXISTS idx_scheduled_jobs_enabled ON scheduled_jobs(enabled);
CREATE INDEX IF NOT EXISTS idx_scheduled_jobs_next_run ON scheduled_jobs(next_run);
CREATE INDEX IF NOT EXISTS idx_job_runs_job_id ON job_runs(job_id);
CREATE INDEX IF NOT EXISTS idx_job_runs_started_at ON job_runs(started_at);
