import type { DatabaseBackend } from "../backends/index.ts";
import { ApiKeyRepository } from "./api-key-repository.ts";
import { ApiUsageRepository } from "./api-usage-repository.ts";
import { AuditLogRepository } from "./audit-log-repository.ts";
import { CampaignRepository } from "./campaign-repository.ts";
import { FindingRepository } from "./finding-repository.ts";
import { PublisherRepository } from "./publisher-repository.ts";
import { ScanRepository } from "./scan-repository.ts";
import { ScheduledJobRepository } from "./scheduled-job-repository.ts";
import { SchemaRepository } from "./schema-repository.ts";
import { SignatureRepository } from "./signature-repository.ts";
import { UrlAnalysisRepository } from "./url-analysis-repository.ts";

/** Every repository over one backend. Repositories hold no state but the backend: cheap to make. */
export interface Repositories {
  scans: ScanRepository;
  findings: FindingRepository;
  signatures: SignatureRepository;
  campaigns: CampaignRepository;
  publishers: PublisherRepository;
  urlAnalysis: UrlAnalysisRepository;
  apiUsage: ApiUsageRepository;
  auditLog: AuditLogRepository;
  apiKeys: ApiKeyRepository;
  scheduledJobs: ScheduledJobRepository;
  /** The applied schema version (health). */
  schema: SchemaRepository;
}

export function createRepositories(db: DatabaseBackend): Repositories {
  return {
    scans: new ScanRepository(db),
    findings: new FindingRepository(db),
    signatures: new SignatureRepository(db),
    campaigns: new CampaignRepository(db),
    publishers: new PublisherRepository(db),
    urlAnalysis: new UrlAnalysisRepository(db),
    apiUsage: new ApiUsageRepository(db),
    auditLog: new AuditLogRepository(db),
    apiKeys: new ApiKeyRepository(db),
    scheduledJobs: new ScheduledJobRepository(db),
    schema: new SchemaRepository(db),
  };
}
