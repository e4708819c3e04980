import { z } from "zod";
import {
  CATEGORIES,
  COLUMN_LIMITS,
  DETECTOR_LAYERS,
  IOC_TYPES,
  MAX_PAGE_SIZE,
  PATTERN_TYPES,
  SCAN_STATUSES,
  SEVERITIES,
  VERDICTS,
} from "../../repositories/index.ts";
import { ROLES } from "../permissions.ts";

// Domain values come from the repositories (one list for both layers); here they become zod
// enums so a bad value is refused at the door with the field named.
export const severity = z.enum(SEVERITIES);
export const scanStatus = z.enum(SCAN_STATUSES);
export const verdict = z.enum(VERDICTS);
export const detectorLayer = z.enum(DETECTOR_LAYERS);
export const category = z.enum(CATEGORIES);
export const patternType = z.enum(PATTERN_TYPES);
export const iocType = z.enum(IOC_TYPES);
export const role = z.enum(ROLES);

/** Bounded by the narrowest column (PostgreSQL VARCHAR(N)) so both backends accept the same input. */
export const text = (max?: number) => (max === undefined ? z.string() : z.string().max(max));
export const id = z.string().min(1).max(COLUMN_LIMITS.id);
export const stringList = z.array(z.string());
/** Integers stay within what both backends return exactly. */
export const safeInt = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
/** SQLite's INTEGER and PostgreSQL's INTEGER differ; keep plain INTEGER columns within int4. */
export const int4 = z.number().int().min(-2147483648).max(2147483647);

/** A listing's `limit` query parameter: the repositories' page bound, with a per-route default. */
export const pageLimit = (defaultLimit: number) =>
  z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(defaultLimit);
export const pageOffset = z.coerce.number().int().min(0).default(0);
