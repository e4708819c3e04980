/**
 * The PostgreSQL side of a fault run: a throwaway cluster with one database, and `bun run start`
 * on it (MALWAR_DB_BACKEND=postgres). `close()` stops the service and removes the cluster.
 */
import { createThrowawayCluster, type ThrowawayCluster } from "./pg-cluster.ts";
import { type ServiceProcess, startServiceProcess } from "./service-process.ts";

export const FAULT_DATABASE = "malwar_fault";

export interface PostgresService {
  cluster: ThrowawayCluster;
  service: ServiceProcess;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startPostgresService(extraEnv: Record<string, string> = {}): Promise<PostgresService> {
  const cluster = await createThrowawayCluster();
  try {
    await cluster.psql(`CREATE DATABASE ${FAULT_DATABASE}`);
    const env = {
      MALWAR_DB_BACKEND: "postgres",
      MALWAR_POSTGRES_URL: cluster.url(FAULT_DATABASE),
      MALWAR_POSTGRES_POOL_MIN: "2",
      MALWAR_POSTGRES_POOL_MAX: "10",
      ...extraEnv,
    };
    const service = await startServiceProcess(env);
    return {
      cluster,
      service,
      env,
      async close() {
        try {
          await service.stop();
        } finally {
          await cluster.destroy();
        }
      },
    };
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}
