// GET|POST /api/auth/*: Auth.js endpoints (sign-in, sign-out, session, CSRF).
import { handlers } from "@/auth";

export const { GET, POST } = handlers;
