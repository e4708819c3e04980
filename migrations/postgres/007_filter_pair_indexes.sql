-- 007 filter_pair_indexes: GET /scans may combine its equality filters (verdict, status,
-- severity). With one filter's index alone, two filters read that filter's rows one by one and
-- check the other on each: a combination that is rare among them (failed scans judged CLEAN,
-- CLEAN scans of critical severity: the ones worth asking about) makes the page and its capped
-- total walk every row of the first filter. Measured at 1M scans before this migration,
-- verdict=CLEAN&status=failed took 109 ms on SQLite and 167 ms on PostgreSQL (1 ms at 10k).
-- One index per pair, each ordered like the lists (created_at, then id COLLATE "C"), so any
-- pair, with or without a from/to window or a cursor, reads its page and its total straight off
-- the index. Which pairs: all three, because none of them is safe to leave out (verdict and
-- severity go together in practice, so their rare pairs are exactly the surprising ones; status
-- is skewed, so a rare status with any other filter is the common way to ask about failures).
-- Not indexed: all three filters at once (it reads the status+verdict index and checks severity
-- on those rows only), and target with anything (one target's scans are few: it reads the
-- target index). The cost is one index entry per pair per scan written: W1 (a scan with 10
-- findings and its audit row writes 13 rows and 20 index entries before this, 23 after): saveScan
-- with/without them, paired rounds, 1.12-1.34 on SQLite and 0.97-1.19 on PostgreSQL, while the same
-- test with both databases alike gave 1.38: no cost above this machine's spread.
--
-- Plain CREATE INDEX in the migration's transaction, as in 006 (which says why): on a big live
-- database, build these with CREATE INDEX CONCURRENTLY under the same names before upgrading.

CREATE INDEX IF NOT EXISTS idx_scans_status_verdict_newest ON scans(status, verdict, created_at, id COLLATE "C");
CREATE INDEX IF NOT EXISTS idx_scans_status_severity_newest ON scans(status, overall_severity, created_at, id COLLATE "C");
CREATE INDEX IF NOT EXISTS idx_scans_verdict_severity_newest ON scans(verdict, overall_severity, created_at, id COLLATE "C");
