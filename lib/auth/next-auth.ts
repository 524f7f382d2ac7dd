import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getEnv } from "@/lib/env";
import type { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { SESSION_IDLE_HOURS } from "./session-policy";
import { authenticateAdmin } from "./sign-in";

/**
 * The Auth.js configuration (the root auth.ts re-exports it for Next). A throttled sign-in throws this error, which
 * Auth.js hands back to the sign-in action as it is: the typed `throttled` AppError rides along, with its wait.
 */
export class ThrottledSignin extends CredentialsSignin {
  code = "throttled";
  constructor(readonly error: AppError) {
    super();
  }
}

/** The wait of a throttled sign-in, in seconds, from what signIn() threw; null for any other failure. */
export function throttledWaitSeconds(error: unknown): number | null {
  return error instanceof ThrottledSignin ? (error.error.retryAfterSeconds ?? null) : null;
}

// Lazy configuration: `next build` loads this module without any secret, the env is read on the first request.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const env = getEnv();
  return {
    secret: env.authSecret,
    trustHost: true,
    useSecureCookies: env.appUrl.startsWith("https://"),
    session: { strategy: "jwt", maxAge: SESSION_IDLE_HOURS * 60 * 60 },
    pages: { signIn: "/login" },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials, request) {
          const result = await authenticateAdmin({
            email: credentials.email,
            password: credentials.password,
            address: clientAddress(request.headers, env.trustedProxyHops),
          });
          if (result.ok) return { id: String(result.admin.id), email: result.admin.email, sessionId: result.sessionId };
          if (result.error) throw new ThrottledSignin(result.error);
          return null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) {
          token.adminId = user.id;
          token.sessionId = user.sessionId;
        }
        return token;
      },
      session({ session, token }) {
        if (typeof token.adminId === "string") session.user.id = token.adminId;
        if (typeof token.sessionId === "string") session.sessionId = token.sessionId;
        return session;
      },
    },
    // Auth.js logs stack traces (and sometimes request details) on every failed sign-in: log the event name only.
    logger: {
      error(error) {
        if (error.name !== "CredentialsSignin") console.error(`[auth] ${error.name}`);
      },
      warn(code) {
        console.warn(`[auth] warning ${code}`);
      },
      debug() {},
    },
  };
});
