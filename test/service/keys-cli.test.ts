/** `bun run keys`: create prints the key alone on the last line; list and revoke; audit rows. */
import { afterAll, describe, expect, test } from "bun:test";
import { AuditLogRepository } from "../../src/repositories/index.ts";
import { startService } from "../../src/service/index.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { openSqlite } from "./support/backends.ts";
import { runCli } from "./support/cli-process.ts";

describe("bun run keys", () => {
  const dir = makeTempDir("malwar-keys-");
  afterAll(() => dir.cleanup());
  const env = () => ({ MALWAR_DB_PATH: dir.file("keys.db") });

  let keyId = "";
  let rawKey = "";

  test("create prints the new key alone on the last line of stdout", async () => {
    const res = await runCli(
      "src/cli/keys.ts",
      ["create", "--name", "ci-scanner", "--role", "scanner"],
      env(),
    );
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: "" });
    const lines = res.stdout.split("\n");
    expect(lines.at(-1)).toBe("");
    rawKey = lines.at(-2)!;
    expect(rawKey).toMatch(/^mlw_[A-Za-z0-9_-]{40,}$/);
    expect(lines.slice(0, -2).join("\n")).not.toContain(rawKey);
    keyId = /created API key (\S+)/.exec(res.stdout)?.[1] ?? "";
    expect(keyId).not.toBe("");
  });

  test("the key works against the service with its role, and its creation was audited as cli", async () => {
    const backend = await openSqlite(dir.file("keys.db"));
    const service = startService({ backend, port: 0 });
    try {
      const base = `${service.url}/api/v1`;
      expect((await fetch(`${base}/scans`)).status).toBe(401);
      expect((await fetch(`${base}/scans`, { headers: { "x-api-key": rawKey } })).status).toBe(200);
      expect((await fetch(`${base}/signatures`, { headers: { "x-api-key": rawKey } })).status).toBe(403);
      const audit = await new AuditLogRepository(backend).query({ resource_type: "api_key" });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: "cli",
        action: "create",
        resource_id: keyId,
        event_type: "api_key_created",
      });
    } finally {
      await service.stop();
      await backend.close();
    }
  });

  test("list shows id, name, role and state, never the key", async () => {
    const res = await runCli("src/cli/keys.ts", ["list"], env());
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(keyId);
    expect(res.stdout).toContain("ci-scanner");
    expect(res.stdout).toMatch(/scanner\s+active/);
    expect(res.stdout).not.toContain(rawKey);
  });

  test("revoke deactivates the key; revoking an unknown id fails", async () => {
    const res = await runCli("src/cli/keys.ts", ["revoke", keyId], env());
    expect(res.code).toBe(0);
    const list = await runCli("src/cli/keys.ts", ["list"], env());
    expect(list.stdout).toMatch(/scanner\s+revoked/);
    const missing = await runCli("src/cli/keys.ts", ["revoke", "no-such-key"], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no-such-key");

    const backend = await openSqlite(dir.file("keys.db"));
    try {
      const audit = await new AuditLogRepository(backend).query({ resource_id: keyId });
      expect(audit.map((a) => a.action)).toEqual(["revoke", "create"]);
    } finally {
      await backend.close();
    }
  });

  test("usage errors exit 2 and name the problem", async () => {
    const badRole = await runCli("src/cli/keys.ts", ["create", "--name", "x", "--role", "root"], env());
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("--role");
    const noName = await runCli("src/cli/keys.ts", ["create", "--role", "admin"], env());
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("--name");
    const unknown = await runCli("src/cli/keys.ts", ["rotate"], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("rotate");
  });
});
