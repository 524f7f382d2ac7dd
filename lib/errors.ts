import { DecryptionError } from "@/lib/crypto/secrets";
import { ERROR_CODES, type ErrorCode } from "@/lib/error-codes";

/**
 * The one error type of the app: a code that maps to an HTTP status, a log line and a translated message
 * (messages/<locale>/errors.json). `detail` carries safe facts for the message (a hint, a host), never a secret.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: Record<string, string | number> = {},
    options?: { retryAfterSeconds?: number },
  ) {
    super(code);
    this.name = "AppError";
    this.status = ERROR_CODES[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  /** How long to wait before trying again (throttled, rate_limited, a backoff); sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;
}

/** AppErrors as they are; a secret no configured key opens becomes encryption_key_mismatch; anything else null. */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof DecryptionError) return new AppError("encryption_key_mismatch");
  return null;
}
