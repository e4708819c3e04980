/**
 * `bun run keys create --name NAME --role ROLE`  makes a key; the key itself is printed once,
 *                                                 alone on the last line of standard output
 * `bun run keys list`                             every key (never the key itself): id, name, role, state
 * `bun run keys revoke ID`                        deactivates a key
 *
 * Uses the configured backend (MALWAR_*). Creating and revoking write an audit_log row with
 * actor "cli". Exits 0 on success, 1 on failure, 2 on a usage error.
 */
import { parseArgs } from "node:util";
import type { DatabaseBackend } from "../backends/database-backend.ts";
import { loadConfig } from "../config/index.ts";
import { MalwarError, redactUrl } from "../errors/index.ts";
import {
  API_KEY_ROLES,
  ApiKeyRepository,
  type ApiKeyRole,
  AuditLogRepository,
} from "../repositories/index.ts";
import { createBackend } from "../storage/index.ts";

class UsageError extends Error {}

const USAGE = `usage:
  bun run keys create --name NAME --role ${API_KEY_ROLES.join("|")}
  bun run keys list
  bun run keys revoke ID`;

type Command =
  | { kind: "create"; name: string; role: ApiKeyRole }
  | { kind: "list" }
  | { kind: "revoke"; id: string };

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { name: { type: "string" }, role: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case "create": {
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
      const name = values.name?.trim();
      if (!name) throw new UsageError("create needs --name NAME");
      const role = values.role;
      if (role === undefined) throw new UsageError("create needs --role ROLE");
      if (!(API_KEY_ROLES as readonly string[]).includes(role)) {
        throw new UsageError(
          `--role must be one of ${API_KEY_ROLES.join(", ")} (got ${JSON.stringify(role)})`,
        );
      }
      return { kind: "create", name, role: role as ApiKeyRole };
    }
    case "list":
      if (rest.length > 0 || values.name !== undefined || values.role !== undefined) {
        throw new UsageError("list takes no arguments");
      }
      return { kind: "list" };
    case "revoke":
      if (rest.length !== 1 || values.name !== undefined || values.role !== undefined) {
        throw new UsageError("revoke takes exactly one key id");
      }
      return { kind: "revoke", id: rest[0] as string };
    default:
      throw new UsageError(
        command === undefined ? "a command is required" : `unknown command ${JSON.stringify(command)}`,
      );
  }
}

async function run(command: Command, backend: DatabaseBackend): Promise<number> {
  switch (command.kind) {
    case "create": {
      const created = await backend.transaction(async (tx) => {
        const made = await new ApiKeyRepository(tx).create({ name: command.name, role: command.role });
        await new AuditLogRepository(tx).append({
          event_type: "api_key_created",
          actor: "cli",
          resource_type: "api_key",
          resource_id: made.record.id,
          action: "create",
          details: { name: made.record.name, key_role: made.record.role },
        });
        return made;
      });
      console.log(
        `created API key ${created.record.id} (name ${created.record.name}, role ${created.record.role})`,
      );
      console.log("store it now: it is shown only once");
      console.log(created.key);
      return 0;
    }
    case "list": {
      const keys = await new ApiKeyRepository(backend).list();
      if (keys.length === 0) {
        console.log("no API keys: the service is open");
        return 0;
      }
      const rows = keys.map((k) => [
        k.id,
        k.name,
        k.role,
        k.is_active ? "active" : "revoked",
        k.created_at,
        k.last_used ?? "-",
      ]);
      const header = ["id", "name", "role", "state", "created_at", "last_used"];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
      for (const row of [header, ...rows])
        console.log(
          row
            .map((c, i) => c.padEnd(widths[i] as number))
            .join("  ")
            .trimEnd(),
        );
      return 0;
    }
    case "revoke": {
      const revoked = await backend.transaction(async (tx) => {
        const keys = new ApiKeyRepository(tx);
        const existing = await keys.get(command.id);
        if (existing === null) return null;
        await keys.revoke(command.id);
        await new AuditLogRepository(tx).append({
          event_type: "api_key_revoked",
          actor: "cli",
          resource_type: "api_key",
          resource_id: command.id,
          action: "revoke",
          details: { name: existing.name, key_role: existing.role },
        });
        return existing;
      });
      if (revoked === null) {
        console.error(`malwar keys: no API key with id ${command.id}`);
        return 1;
      }
      console.log(`revoked API key ${revoked.id} (${revoked.name})`);
      return 0;
    }
  }
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (error) {
    console.error(`malwar keys: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const backend = await createBackend(loadConfig());
  try {
    return await run(command, backend);
  } finally {
    await backend.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  const prefix = error instanceof MalwarError ? `malwar keys: ${error.name}: ` : "malwar keys: ";
  console.error(prefix + redactUrl(error instanceof Error ? error.message : String(error)));
  process.exitCode = 1;
}
