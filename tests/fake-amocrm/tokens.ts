// Token material: opaque `def50200…` codes / refresh tokens and RS256 access-token JWTs
// shaped like the real ones (docs/amocrm-contract.md §5.2, §8).
import { randomBytes, randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { apiDomain, type Platform } from "./config";

/** league/oauth2-server ciphertexts start with this version prefix; amoCRM's codes and RTs do too. */
const OPAQUE_PREFIX = "def50200";

function opaque(totalLength: number): string {
  const hexLength = totalLength - OPAQUE_PREFIX.length;
  return OPAQUE_PREFIX + randomBytes(Math.ceil(hexLength / 2)).toString("hex").slice(0, hexLength);
}

/** Observed code length: 1008 chars. */
export function newAuthorizationCode(): string {
  return opaque(1008);
}

/** Observed refresh-token length: 986–992 chars. */
export function newRefreshToken(): string {
  return opaque(990);
}

/** Cheap shape check so garbage gets league's "Cannot decrypt …" hint instead of "revoked". */
export function looksOpaque(value: string): boolean {
  return /^def50200[0-9a-f]{32,}$/.test(value);
}

export interface AccessTokenClaims {
  clientId: string;
  accountId: number;
  userId: number;
  platform: Platform;
  scopes: string[];
  /** Seconds since epoch, on the fake's clock. */
  iat: number;
  exp: number;
}

export class TokenIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    /** Public half, exposed via /__control/jwks for tests that want to verify signatures. */
    readonly publicJwk: JWK,
  ) {}

  /** A fresh key pair per fake instance: tokens from one run never validate in another. */
  static async create(): Promise<TokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const jwk = await exportJWK(publicKey);
    return new TokenIssuer(privateKey, { ...jwk, alg: "RS256", use: "sig" });
  }

  async sign(claims: AccessTokenClaims): Promise<{ token: string; jti: string }> {
    const jti = randomBytes(40).toString("hex");
    // Claim order follows the observed token; iat/nbf/exp are explicit because time comes
    // from the fake's (shiftable) clock, not from jose's Date.now().
    const token = await new SignJWT({
      aud: claims.clientId,
      jti,
      iat: claims.iat,
      nbf: claims.iat,
      exp: claims.exp,
      sub: String(claims.userId),
      grant_type: "",
      account_id: claims.accountId,
      base_domain: claims.platform,
      version: 2,
      scopes: claims.scopes,
      user_flags: 0,
      hash_uuid: randomUUID(),
      api_domain: apiDomain(claims.platform),
    })
      .setProtectedHeader({ typ: "JWT", alg: "RS256", jti })
      .sign(this.privateKey);
    return { token, jti };
  }
}
