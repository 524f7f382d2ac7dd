import { e2e, expect, LoginPage, test, useLocale } from "../fixtures";

// Runs against the second server (its own database): a lockout there cannot lock the other tests out.
test("after five failures in fifteen minutes the sign-in form says how long to wait", async ({ page }) => {
  await useLocale(page, "en", e2e.setupAppUrl);
  const loginPage = new LoginPage(page, "en", e2e.setupAppUrl);
  let forged = 0;
  const attempt = async (email: string) => {
    // Every attempt claims another client address: the server counts the socket's address, not this header.
    forged += 1;
    await page.setExtraHTTPHeaders({ "X-Forwarded-For": `198.51.100.${forged}`, "X-Real-IP": `198.51.100.${forged}` });
    await loginPage.signIn({ email, password: "wrong-password", expectSuccess: false });
  };
  for (let failure = 1; failure <= 4; failure += 1) {
    await attempt("intruder@example.com");
    await expect(page.getByText("Wrong email or password.")).toBeVisible();
  }
  // The fifth failure starts the wait, and says so at once.
  await attempt("intruder@example.com");
  await expect(page.getByText(/Too many failed attempts\. Try again in 1[45] minutes\./)).toBeVisible();
  await attempt("intruder@example.com");
  await expect(page.getByText(/Too many failed attempts\. Try again in 1[45] minutes\./)).toBeVisible();
  // The address is locked too, whatever email it tries next and whatever address it claims to forward for.
  await attempt("someone-else@example.com");
  await expect(page.getByText(/Too many failed attempts/)).toBeVisible();
});
