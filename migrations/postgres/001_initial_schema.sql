-- 001 initial_schema: scans and what they find, plus the threat intelligence (campaigns,
-- signatures, publishers) that the detectors match against, seeded with the known campaigns.
-- Instants are TIMESTAMP without time zone holding UTC (sessions run with TimeZone=UTC), as in
-- databases made by the Python malwar; free-form dates stay text (VARCHAR).

CREATE TABLE IF NOT EXISTS campaigns (
    id VARCHAR(255) PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    description TEXT NOT NULL,
    first_seen VARCHAR(32) NOT NULL,
    last_seen VARCHAR(32) NOT NULL,
    attributed_to VARCHAR(512),
    iocs TEXT DEFAULT '[]',
    total_skills_affected BIGINT DEFAULT 0,
    status VARCHAR(32) NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS scans (
    id VARCHAR(255) PRIMARY KEY,
    target TEXT NOT NULL,
    skill_name VARCHAR(255),
    skill_author VARCHAR(255),
    skill_sha256 VARCHAR(64),
    status VARCHAR(32) NOT NULL DEFAULT 'pending',
    risk_score BIGINT DEFAULT 0,
    overall_severity VARCHAR(32) DEFAULT 'info',
    verdict VARCHAR(32) DEFAULT 'CLEAN',
    layers_executed TEXT DEFAULT '[]',
    errors TEXT DEFAULT '[]',
    started_at VARCHAR(64) NOT NULL,
    completed_at VARCHAR(64),
    duration_ms BIGINT,
    created_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS findings (
    id VARCHAR(255) PRIMARY KEY,
    scan_id VARCHAR(255) NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    rule_id VARCHAR(255) NOT NULL,
    title VARCHAR(512) NOT NULL,
    description TEXT NOT NULL,
    severity VARCHAR(32) NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    category VARCHAR(64) NOT NULL,
    detector_layer VARCHAR(64) NOT NULL,
    line_start INTEGER,
    line_end INTEGER,
    snippet TEXT,
    evidence TEXT DEFAULT '[]',
    ioc_values TEXT DEFAULT '[]',
    remediation TEXT DEFAULT '',
    detected_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS signatures (
    id VARCHAR(255) PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    description TEXT NOT NULL,
    severity VARCHAR(32) NOT NULL,
    category VARCHAR(64) NOT NULL,
    pattern_type VARCHAR(32) NOT NULL,
    pattern_value TEXT NOT NULL,
    ioc_type VARCHAR(32),
    campaign_id VARCHAR(255) REFERENCES campaigns(id),
    source VARCHAR(64) NOT NULL DEFAULT 'manual',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS publishers (
    id VARCHAR(255) PRIMARY KEY,
    display_name VARCHAR(255),
    first_seen VARCHAR(32),
    last_seen VARCHAR(32),
    total_skills BIGINT DEFAULT 0,
    malicious_skills BIGINT DEFAULT 0,
    reputation_score DOUBLE PRECISION DEFAULT 0.5,
    is_known_threat_actor BOOLEAN DEFAULT FALSE,
    campaigns TEXT DEFAULT '[]',
    notes TEXT DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS url_analysis (
    id VARCHAR(255) PRIMARY KEY,
    scan_id VARCHAR(255) NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    final_url TEXT,
    status_code INTEGER,
    content_type VARCHAR(128),
    redirect_chain TEXT DEFAULT '[]',
    is_malicious BOOLEAN DEFAULT FALSE,
    risk_indicators TEXT DEFAULT '[]',
    domain_reputation DOUBLE PRECISION,
    fetched_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE INDEX IF NOT EXISTS idx_scans_target ON scans(target);
CREATE INDEX IF NOT EXISTS idx_scans_skill_sha256 ON scans(skill_sha256);
CREATE INDEX IF NOT EXISTS idx_scans_verdict ON scans(verdict);
CREATE INDEX IF NOT EXISTS idx_scans_created_at ON scans(created_at);
CREATE INDEX IF NOT EXISTS idx_findings_scan_id ON findings(scan_id);
CREATE INDEX IF NOT EXISTS idx_findings_rule_id ON findings(rule_id);
CREATE INDEX IF NOT EXISTS idx_findings_severity ON findings(severity);
CREATE INDEX IF NOT EXISTS idx_findings_category ON findings(category);

-- Seed: known campaigns, their signatures and operator accounts (shared/data/threat-intel-seed.json).
-- DO NOTHING keeps rows an operator has since edited, and makes a re-run harmless.

INSERT INTO campaigns (id, name, description, first_seen, last_seen, attributed_to, iocs, total_skills_affected, status) VALUES
  ('campaign-clawhavoc-001', 'ClawHavoc', 'Trojanized agent skills on a public skill registry that tell the agent to fetch and run the AMOS infostealer from password-protected archives, paste sites and a raw-IP command server.', '2026-01-15', '2026-02-10', 'zaycv / Ddoy233 / hightower6eu', '["91.92.242.30","glot.io/snippets/hfd3x9ueu5","Ddoy233/openclawcli","download.setup-service.com","clawdhub1","Aslaep123","moonshine-100rze","hightower6eu"]', 824, 'active'),
  ('campaign-snyktoxic-001', 'SnykToxic', 'Skills that smuggle exfiltration commands past the agent with hidden characters and prompt injection, sending host details, environment variables and credentials to web-app and script webhooks.', '2026-01-20', '2026-02-15', 'aztr0nutzs / denboss99', '["aztr0nutzs/NET_NiNjA.v1.2","rentry.co/openclaw-core","denboss99/openclaw-core","script.google.com/macros/s/exfil","pastebin.com","aztr0nutzs"]', 76, 'active'),
  ('campaign-shadowpkg-001', 'ShadowPkg', 'Skills whose prerequisites install typosquatted npm and pip packages or point the installer at attacker registries; the packages harvest environment variables, SSH keys and cloud credentials on install.', '2026-01-28', '2026-02-18', 'ScaffoldPro', '["crossenv","colourfool","python3-dateutil","babelcli","lodash-utils","evil-registry.example.com","evil-mirror.example.com","ScaffoldPro"]', 42, 'active')
ON CONFLICT (id) DO NOTHING;

INSERT INTO signatures (id, name, description, severity, category, pattern_type, pattern_value, ioc_type, campaign_id, source) VALUES
  ('sig-clawhavoc-c2-ip', 'ClawHavoc C2 IP', 'Command server address of ClawHavoc', 'critical', 'known_malware', 'exact', '91.92.242.30', 'ip', 'campaign-clawhavoc-001', 'clawhavoc'),
  ('sig-clawhavoc-glot', 'ClawHavoc Glot Snippet', 'Paste used to stage ClawHavoc payloads', 'critical', 'known_malware', 'exact', 'glot.io/snippets/hfd3x9ueu5', 'url', 'campaign-clawhavoc-001', 'clawhavoc'),
  ('sig-clawhavoc-github', 'ClawHavoc GitHub Repo', 'Repository serving a trojanized CLI', 'critical', 'known_malware', 'exact', 'Ddoy233/openclawcli', 'url', 'campaign-clawhavoc-001', 'clawhavoc'),
  ('sig-clawhavoc-domain', 'ClawHavoc Malicious Domain', 'Payload delivery domain of ClawHavoc', 'critical', 'known_malware', 'exact', 'download.setup-service.com', 'domain', 'campaign-clawhavoc-001', 'clawhavoc'),
  ('sig-snyktoxic-github-repo', 'SnykToxic GitHub Repo', 'Repository of ready-to-deploy malicious skills', 'critical', 'known_malware', 'exact', 'aztr0nutzs/NET_NiNjA.v1.2', 'url', 'campaign-snyktoxic-001', 'snyk-toxicskills'),
  ('sig-snyktoxic-rentry-stager', 'SnykToxic Rentry Stager', 'Paste page that stages a fake core package', 'critical', 'known_malware', 'exact', 'rentry.co/openclaw-core', 'url', 'campaign-snyktoxic-001', 'snyk-toxicskills'),
  ('sig-snyktoxic-gas-exfil', 'SnykToxic Google Apps Script Exfil', 'Script endpoint that receives stolen credentials and environment variables', 'critical', 'data_exfiltration', 'regex', 'script\.google\.com/macros/s/[A-Za-z0-9_-]+/exec', 'url', 'campaign-snyktoxic-001', 'snyk-toxicskills'),
  ('sig-snyktoxic-github-releases', 'SnykToxic Fake OpenClaw Core', 'Release page of password-protected payload archives', 'critical', 'known_malware', 'exact', 'denboss99/openclaw-core', 'url', 'campaign-snyktoxic-001', 'snyk-toxicskills'),
  ('sig-shadowpkg-crossenv', 'ShadowPkg Typosquat crossenv', 'npm typosquat of cross-env with a credential-harvesting install hook', 'high', 'known_malware', 'exact', 'crossenv', 'hash', 'campaign-shadowpkg-001', 'shadowpkg'),
  ('sig-shadowpkg-colourfool', 'ShadowPkg Typosquat colourfool', 'pip typosquat that sends environment variables away on import', 'high', 'known_malware', 'exact', 'colourfool', 'hash', 'campaign-shadowpkg-001', 'shadowpkg'),
  ('sig-shadowpkg-evil-registry', 'ShadowPkg Malicious Registry', 'Attacker package index named in skill prerequisites', 'critical', 'known_malware', 'exact', 'evil-registry.example.com', 'domain', 'campaign-shadowpkg-001', 'shadowpkg'),
  ('sig-shadowpkg-evil-mirror', 'ShadowPkg Malicious Mirror', 'Attacker package mirror named in skill prerequisites', 'critical', 'known_malware', 'exact', 'evil-mirror.example.com', 'domain', 'campaign-shadowpkg-001', 'shadowpkg')
ON CONFLICT (id) DO NOTHING;

INSERT INTO publishers (id, is_known_threat_actor, reputation_score) VALUES
  ('zaycv', TRUE, 0.0),
  ('Ddoy233', TRUE, 0.0),
  ('hightower6eu', TRUE, 0.0),
  ('clawdhub1', TRUE, 0.0),
  ('Aslaep123', TRUE, 0.0),
  ('moonshine-100rze', TRUE, 0.0),
  ('aztr0nutzs', TRUE, 0.0),
  ('denboss99', TRUE, 0.0),
  ('ScaffoldPro', TRUE, 0.0)
ON CONFLICT (id) DO NOTHING;
