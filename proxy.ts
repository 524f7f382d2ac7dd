export { auth as proxy } from "@/auth";

// Early redirect only: admin layouts and every handler check the session themselves.
export const config = {
  matcher: ["/guide/:path*", "/connect/:path*", "/status/:path*"],
};
