import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getEnv } from "@/lib/env";
import { authenticateAdmin } from "@/lib/auth/sign-in";

/** The throttle message is shown instead of the generic one; its code carries the wait in seconds. */
export class ThrottledSignin extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `throttled:${retryAfterSeconds}`;
  }
}

const SESSION_HOURS = 8;

// Lazy configuration: `next build` loads this module without any secret, the env is read on the first request.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const env = getEnv();
  return {
    secret: env.authSecret,
    trustHost: true,
    useSecureCookies: env.appUrl.startsWith("https://"),
    session: { strategy: "jwt", maxAge: SESSION_HOURS * 60 * 60 },
    pages: { signIn: "/login" },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials, request) {
          const result = await authenticateAdmin({
            email: credentials.email,
            password: credentials.password,
            address: clientAddress(request),
          });
          if (result.ok) return { id: String(result.admin.id), email: result.admin.email, sessionId: result.sessionId };
          if (result.retryAfterSeconds) throw new ThrottledSignin(result.retryAfterSeconds);
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

function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || "unknown";
}
