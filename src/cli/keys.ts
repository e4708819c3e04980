/**
 * `bun run keys create --name NAME --role ROLE`  makes a key; the key itself is printed once,
 *                                                 alone on the last line of standard output
 * `bun run keys list [--json]`                    every key (never the key itself): id, name, role, state
 * `bun run keys revoke ID`                        deactivates a key
 *
 * Uses the configured backend (MALWAR_*). Creating and revoking write an audit_log row with
 * actor "cli". Exits 0 on success, 1 on failure (an unknown key id included), 2 on a usage error.
 */
import type { DatabaseBackend } from "../backends/index.ts";
import { loadConfig } from "../config/index.ts";
import {
  API_KEY_ROLES,
  ApiKeyRepository,
  type ApiKeyRole,
  AuditLogRepository,
  type RevokeResult,
} from "../repositories/index.ts";
import { createBackend } from "../storage/index.ts";
import { parseCli, printHelp, runCli, UsageError } from "./cli-args.ts";

const USAGE = `usage: bun run keys create --name NAME --role ${API_KEY_ROLES.join("|")}
       bun run keys list [--json]
       bun run keys revoke ID

  create       make a key; it is printed once, alone on the last line of standard output
  list         every key with id, name, role, state, created_at, last_used (never the key);
               --json prints them as one JSON array
  revoke ID    deactivate a key (exit 1 if there is no key with that id)
  -h, --help   this text

The database is the one MALWAR_DB_BACKEND / MALWAR_DB_PATH / MALWAR_POSTGRES_URL name.`;

const SPEC = {
  tool: "keys",
  usage: USAGE,
  options: { name: { type: "string" }, role: { type: "string" }, json: { type: "boolean" } },
  maxPositionals: 2,
} as const;

type Command =
  | { kind: "create"; name: string; role: ApiKeyRole }
  | { kind: "list"; json: boolean }
  | { kind: "revoke"; id: string };

function parseCommand(argv: string[]): Command | "help" {
  const parsed = parseCli(SPEC, argv);
  if (parsed === "help") return parsed;
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const refuse = (what: "name" | "role" | "json") => {
    if (values[what] !== undefined) throw new UsageError(`${command} does not take --${what}`);
  };
  switch (command) {
    case "create": {
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
      refuse("json");
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
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
      refuse("name");
      refuse("role");
      return { kind: "list", json: values.json === true };
    case "revoke":
      refuse("name");
      refuse("role");
      refuse("json");
      if (rest.length !== 1) throw new UsageError("revoke takes exactly one key id");
      return { kind: "revoke", id: rest[0] as string };
    default:
      throw new UsageError(
        command === undefined ? "a command is required" : `unknown command ${JSON.stringify(command)}`,
      );
  }
}

async function create(backend: DatabaseBackend, name: string, role: ApiKeyRole): Promise<number> {
  const created = await backend.transaction(async (tx) => {
    const made = await new ApiKeyRepository(tx).create({ name, role });
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

async function list(backend: DatabaseBackend, json: boolean): Promise<number> {
  const keys = await new ApiKeyRepository(backend).list();
  if (json) {
    console.log(JSON.stringify(keys));
    return 0;
  }
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
  for (const row of [header, ...rows]) {
    console.log(
      row
        .map((c, i) => c.padEnd(widths[i] as number))
        .join("  ")
        .trimEnd(),
    );
  }
  return 0;
}

async function revoke(backend: DatabaseBackend, id: string): Promise<number> {
  const result: RevokeResult = await backend.transaction(async (tx) => {
    const outcome = await new ApiKeyRepository(tx).revokeKey(id);
    // Only a change is audited: revoking an inactive key changes nothing.
    if (outcome.outcome === "revoked") {
      await new AuditLogRepository(tx).append({
        event_type: "api_key_revoked",
        actor: "cli",
        resource_type: "api_key",
        resource_id: id,
        action: "revoke",
        details: { name: outcome.key.name, key_role: outcome.key.role },
      });
    }
    return outcome;
  });
  switch (result.outcome) {
    case "not_found":
      console.error(`malwar keys: no API key with id ${JSON.stringify(id)}`);
      return 1;
    case "already_revoked":
      console.log(`API key ${result.key.id} (${result.key.name}) was already revoked; nothing changed`);
      return 0;
    case "revoked":
      console.log(`revoked API key ${result.key.id} (${result.key.name})`);
      return 0;
  }
}

async function main(): Promise<number> {
  const command = parseCommand(process.argv.slice(2));
  if (command === "help") return printHelp(USAGE);
  const backend = await createBackend(loadConfig());
  try {
    switch (command.kind) {
      case "create":
        return await create(backend, command.name, command.role);
      case "list":
        return await list(backend, command.json);
      case "revoke":
        return await revoke(backend, command.id);
    }
  } finally {
    await backend.close();
  }
}

await runCli("keys", USAGE, main);
