import { expect, test } from "bun:test";
import { ConflictError, NotFoundError, type ValidationError } from "../../src/errors/index.ts";
import type { NewSignature } from "../../src/repositories/index.ts";
import { rejectionOf } from "../support/rejection.ts";
import { countRows, describeEachBackend, ISO_UTC, uid } from "./harness.ts";

function signature(id: string, overrides: Partial<NewSignature> = {}): NewSignature {
  return {
    id,
    name: "Paste-site loader",
    description: "fetches a second stage from a paste site",
    severity: "high",
    category: "malicious_url",
    pattern_type: "regex",
    pattern_value: "glot\\.io/snippets/[a-z0-9]+",
    ioc_type: "url",
    ...overrides,
  };
}

describeEachBackend("Signature, campaign and publisher repositories", (ctx) => {
  test("the seeded threat intelligence is readable", async () => {
    const { repos } = ctx();
    const campaign = await repos.campaigns.getWithSignatures("campaign-clawhavoc-001");
    expect(campaign?.name).toBe("ClawHavoc");
    expect(campaign?.iocs).toContain("91.92.242.30");
    expect(campaign?.created_at).toMatch(ISO_UTC);
    expect(campaign?.signatures.length).toBeGreaterThan(0);
    expect(campaign?.signatures.every((s) => s.campaign_id === "campaign-clawhavoc-001")).toBe(true);
    expect((await repos.signatures.get("sig-clawhavoc-c2-ip"))?.enabled).toBe(true);
  });

  test("signature create, get, update, delete", async () => {
    const { repos } = ctx();
    const id = uid("sig");
    const created = await repos.signatures.create(signature(id));
    expect(created).toMatchObject({
      id,
      source: "manual",
      enabled: true,
      campaign_id: null,
      ioc_type: "url",
    });
    expect(created.created_at).toMatch(ISO_UTC);
    expect(await repos.signatures.get(id)).toEqual(created);
    const updated = await repos.signatures.update(id, {
      enabled: false,
      severity: "critical",
      ioc_type: null,
    });
    expect(updated).toMatchObject({
      enabled: false,
      severity: "critical",
      ioc_type: null,
      name: created.name,
    });
    expect(await repos.signatures.get(id)).toEqual(updated);
    expect(await rejectionOf(repos.signatures.create(signature(id)))).toBeInstanceOf(ConflictError);
    expect(await rejectionOf(repos.signatures.update("nope", { enabled: true }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await repos.signatures.delete(id)).toBe(true);
    expect(await repos.signatures.get(id)).toBeNull();
    expect(await repos.signatures.delete(id)).toBe(false);
  });

  test("signature for an unknown campaign: ValidationError on campaign_id, nothing written", async () => {
    const { repos, db } = ctx();
    const id = uid("sig");
    const error = await rejectionOf(
      repos.signatures.create(signature(id, { campaign_id: "no-such-campaign" })),
    );
    expect((error as ValidationError).field).toBe("campaign_id");
    expect(await countRows(db, "signatures", "id = ?", [id])).toBe(0);
  });

  test("signature listing: enabled, campaign, case-insensitive search with literal wildcards", async () => {
    const { repos } = ctx();
    const tag = uid("SrchTag");
    const campaign = await repos.campaigns.upsert({
      id: uid("camp"),
      name: `Campaign ${tag}`,
      description: "d",
      first_seen: "2026-01-01",
      last_seen: "2026-01-02",
    });
    await repos.signatures.create(signature(`${tag}-a`, { name: `${tag} Alpha`, campaign_id: campaign.id }));
    await repos.signatures.create(signature(`${tag}-b`, { name: `${tag} 100% beta`, enabled: false }));
    await repos.signatures.create(signature(`${tag}-c`, { name: `${tag} gamma`, campaign_id: campaign.id }));
    const found = await repos.signatures.list({ search: tag.toUpperCase() });
    expect(found.map((s) => s.id)).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    expect((await repos.signatures.list({ search: "100% BETA" })).map((s) => s.id)).toEqual([`${tag}-b`]);
    // `%` and `_` in the needle are literal, not wildcards.
    expect(await repos.signatures.list({ search: `${tag}%gamma` })).toEqual([]);
    expect(await repos.signatures.list({ search: `${tag.slice(0, 3)}_` })).toEqual([]);
    const enabled = await repos.signatures.list({ search: tag, enabled: true });
    expect(enabled.map((s) => s.id)).toEqual([`${tag}-a`, `${tag}-c`]);
    expect((await repos.signatures.listByCampaign(campaign.id)).map((s) => s.id)).toEqual([
      `${tag}-a`,
      `${tag}-c`,
    ]);
    expect((await repos.signatures.list({ campaign_id: campaign.id, limit: 1 })).map((s) => s.id)).toEqual([
      `${tag}-a`,
    ]);
    const all = await repos.signatures.listEnabled();
    expect(all.some((s) => s.id === `${tag}-b`)).toBe(false);
    expect(all.some((s) => s.id === `${tag}-a`)).toBe(true);
    expect(await repos.signatures.count({ search: tag })).toBe(3);
  });

  test("campaign upsert inserts, then replaces and stamps updated_at", async () => {
    const { repos } = ctx();
    const id = uid("camp");
    const first = await repos.campaigns.upsert({
      id,
      name: "Fresh",
      description: "new",
      first_seen: "2026-01-01",
      last_seen: "2026-01-01",
      iocs: [],
    });
    expect(first).toMatchObject({
      status: "active",
      iocs: [],
      total_skills_affected: 0,
      attributed_to: null,
    });
    const second = await repos.campaigns.upsert({
      id,
      name: "Renamed",
      description: "seen again",
      first_seen: "2026-01-01",
      last_seen: "2026-02-01",
      iocs: ["1.2.3.4"],
      total_skills_affected: 12,
      status: "dormant",
    });
    expect(second).toMatchObject({
      name: "Renamed",
      iocs: ["1.2.3.4"],
      total_skills_affected: 12,
      status: "dormant",
    });
    expect(second.created_at).toBe(first.created_at);
    expect(second.updated_at >= first.updated_at).toBe(true);
    expect(await repos.campaigns.get(id)).toEqual(second);
    const listed = await repos.campaigns.list({ search: "RENAMED" });
    expect(listed.map((c) => c.id)).toContain(id);
    expect(
      ((await rejectionOf(repos.campaigns.upsert({ ...second, iocs: "x" as never }))) as ValidationError)
        .field,
    ).toBe("iocs");
  });

  test("publisher upsert, get and list", async () => {
    const { repos } = ctx();
    const id = uid("pub");
    const stored = await repos.publishers.upsert({
      id,
      display_name: "Şüpheli Yayıncı",
      is_known_threat_actor: true,
    });
    expect(stored).toMatchObject({
      id,
      display_name: "Şüpheli Yayıncı",
      total_skills: 0,
      malicious_skills: 0,
      reputation_score: 0.5,
      is_known_threat_actor: true,
      campaigns: [],
      notes: "",
      first_seen: null,
    });
    const again = await repos.publishers.upsert({
      id,
      total_skills: 5,
      malicious_skills: 2,
      reputation_score: 0.1,
    });
    expect(again).toMatchObject({
      total_skills: 5,
      malicious_skills: 2,
      reputation_score: 0.1,
      is_known_threat_actor: false,
    });
    expect(await repos.publishers.get(id)).toEqual(again);
    expect(await repos.publishers.get("nope")).toBeNull();
    expect((await repos.publishers.list({ search: id.toUpperCase() })).map((p) => p.id)).toEqual([id]);
    const actors = await repos.publishers.list({ known_threat_actor: true, limit: 500 });
    expect(actors.every((p) => p.is_known_threat_actor)).toBe(true);
  });
});
