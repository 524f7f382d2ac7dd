// Auth.js as Next needs it at the root (proxy.ts, the route handler, actions); configured in lib/auth/next-auth.ts.
export { auth, handlers, signIn, signOut } from "@/lib/auth/next-auth";
