/**
 * How long an admin session lasts. The session cookie (a JWT) expires after SESSION_IDLE_HOURS without a visit:
 * Auth.js renews it whenever proxy.ts reads it for an admin page. The renewal never extends the session itself: its
 * row in admin_sessions (checked on every request) dies SESSION_LIFETIME_HOURS after the sign-in, however busy the
 * session was, so a stolen cookie is worth at most that long even if nobody signs out.
 */
export const SESSION_IDLE_HOURS = 8;
export const SESSION_LIFETIME_HOURS = 12;
export const SESSION_LIFETIME_MS = SESSION_LIFETIME_HOURS * 60 * 60 * 1000;

/** Sessions created at or before this moment are over. */
export function sessionsStartedAfter(now: Date): Date {
  return new Date(now.getTime() - SESSION_LIFETIME_MS);
}
