import { isForeignKeyViolation, isUniqueViolation } from "../backends/index.ts";
import { ConflictError, ValidationError } from "../errors/index.ts";

/**
 * Runs a write and turns the driver's duplicate-key failure into a ConflictError (and, when
 * `foreignKeyField` is named, a dangling reference into a ValidationError on that field), the
 * same on both backends.
 */
export async function guardWrite<T>(
  write: () => Promise<T>,
  conflictMessage: string,
  foreignKeyField?: string,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(conflictMessage, { cause: error });
    if (foreignKeyField !== undefined && isForeignKeyViolation(error)) {
      throw new ValidationError(foreignKeyField, `${foreignKeyField} refers to a row that does not exist`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** A new id where the caller gave none. */
export function newId(): string {
  return crypto.randomUUID();
}
