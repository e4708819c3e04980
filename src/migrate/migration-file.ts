import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { MigrationError } from "../errors/index.ts";

/** One numbered SQL file, read and fingerprinted. */
export interface MigrationFile {
  version: number;
  name: string;
  /** `NNN_name.sql` */
  filename: string;
  /** `<dialect>/NNN_name.sql`: how errors and the CLI name the file. */
  label: string;
  path: string;
  sql: string;
  /** sha256 (hex) of the text with line endings normalised. */
  checksum: string;
  /** False when the first line is `-- migrate:no-transaction`. */
  transactional: boolean;
}

const FILE_NAME = /^(\d+)_([A-Za-z0-9_]+)\.sql$/;
const NO_TRANSACTION = /^--\s*migrate:no-transaction\s*$/;

/**
 * A checkout with CRLF line endings (git autocrlf) is the same migration, so the checksum must
 * not see the difference; any other byte change is a change.
 */
export function checksumOf(sql: string): string {
  return new Bun.CryptoHasher("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/** Reads `dir/*.sql` in version order. A malformed name or a duplicate version stops everything. */
export async function loadMigrationFiles(dir: string): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((f) => f.endsWith(".sql"));
  } catch (error) {
    throw new MigrationError(`Cannot read the migrations folder ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const dialect = basename(dir);
  const files: MigrationFile[] = [];
  for (const filename of entries) {
    const match = FILE_NAME.exec(filename);
    if (!match) {
      throw new MigrationError(
        `Migration file ${dialect}/${filename} is not named NNN_name.sql (digits, underscore, name)`,
      );
    }
    const path = join(dir, filename);
    const sql = await Bun.file(path).text();
    const firstLine = sql.split("\n", 1)[0]?.replace(/\r$/, "") ?? "";
    files.push({
      version: Number(match[1]),
      name: match[2]!,
      filename,
      label: `${dialect}/${filename}`,
      path,
      sql,
      checksum: checksumOf(sql),
      transactional: !NO_TRANSACTION.test(firstLine),
    });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    const [prev, cur] = [files[i - 1]!, files[i]!];
    if (prev.version === cur.version) {
      throw new MigrationError(
        `Migrations ${prev.label} and ${cur.label} have the same version ${cur.version}`,
      );
    }
  }
  return files;
}
