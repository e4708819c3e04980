/**
 * Who may do what. Roles are ordered admin > analyst > scanner > readonly, but the table is
 * explicit rather than "rank >= n" so that a permission can be granted to a lower role without
 * silently granting it to every role between.
 */
export const ROLES = ["admin", "analyst", "scanner", "readonly"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "scans:read",
  "scans:write",
  "signatures:read",
  "signatures:write",
  "campaigns:read",
  "publishers:read",
  "audit:read",
  "keys:manage",
  "usage:read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS),
  // Publishers are threat intelligence next to campaigns, so analysts read them too.
  analyst: new Set<Permission>([
    "scans:read",
    "scans:write",
    "signatures:read",
    "signatures:write",
    "campaigns:read",
    "publishers:read",
    "audit:read",
  ]),
  scanner: new Set<Permission>(["scans:read", "scans:write"]),
  readonly: new Set<Permission>(["scans:read", "audit:read"]),
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
