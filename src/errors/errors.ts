/**
 * Error classes of the public contract. Each has a stable `name` (not derived from the
 * constructor, which minifiers rename) and a string `code` callers can switch on.
 */
export interface MalwarErrorOptions {
  code?: string;
  cause?: unknown;
}

/** What an error class stamps on its errors: its stable name and the code used when none is given. */
export interface ErrorKind {
  readonly name: string;
  readonly code: string;
}

export class MalwarError extends Error {
  /** Each subclass declares its own; one without inherits its parent's, as `name` and `code` did. */
  static readonly kind: ErrorKind = { name: "MalwarError", code: "MALWAR_ERROR" };

  override readonly name: string;
  readonly code: string;

  constructor(message: string, options: MalwarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const kind = (new.target as typeof MalwarError).kind;
    this.name = kind.name;
    this.code = options.code ?? kind.code;
  }
}

/** The storage layer failed or cannot start. */
export class StorageError extends MalwarError {
  static override readonly kind: ErrorKind = { name: "StorageError", code: "STORAGE_ERROR" };
}

/** Settings are wrong: raised before anything is opened. */
export class ConfigurationError extends MalwarError {
  static override readonly kind: ErrorKind = { name: "ConfigurationError", code: "CONFIGURATION_ERROR" };
}

export class MigrationError extends StorageError {
  static override readonly kind: ErrorKind = { name: "MigrationError", code: "MIGRATION_ERROR" };
}

/** A value offered to a repository is outside its domain; `field` names the culprit. */
export class ValidationError extends MalwarError {
  static override readonly kind: ErrorKind = { name: "ValidationError", code: "VALIDATION_ERROR" };
  readonly field: string;
  constructor(field: string, message: string, options: MalwarErrorOptions = {}) {
    super(message, options);
    this.field = field;
  }
}

/** The row asked for does not exist. */
export class NotFoundError extends MalwarError {
  static override readonly kind: ErrorKind = { name: "NotFoundError", code: "NOT_FOUND" };
}

/** A write collided with a row already stored (duplicate key). */
export class ConflictError extends MalwarError {
  static override readonly kind: ErrorKind = { name: "ConflictError", code: "CONFLICT" };
}
