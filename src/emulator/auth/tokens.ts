/**
 * Access tokens: JWTs signed HS256 with a key kept in the state database (so tokens survive an
 * emulator restart, as Azure's do). Verification follows ARM's order and error codes.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ArmErrors, type ArmError } from "../http/errors";
import type { Clock } from "../util/clock";
import { newGuid } from "../util/random";

export interface TokenClaims {
  readonly aud: string;
  readonly iss: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly appid: string;
  readonly oid: string;
  readonly sub: string;
  readonly tid: string;
  readonly idtyp: "app";
  readonly ver: "1.0";
  readonly uti: string;
}

export function newSigningKey(): string {
  return randomBytes(32).toString("base64");
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

export class TokenService {
  private readonly key: Buffer;

  constructor(
    signingKey: string,
    private readonly clock: Clock,
    readonly tenantId: string,
    private readonly lifetimeSeconds: number,
  ) {
    this.key = Buffer.from(signingKey, "base64");
  }

  get lifetime(): number {
    return this.lifetimeSeconds;
  }

  issue(tenantId: string, clientId: string, principalId: string, audience: string): { token: string; expiresIn: number } {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: TokenClaims = {
      aud: audience,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + this.lifetimeSeconds,
      appid: clientId,
      oid: principalId,
      sub: principalId,
      tid: tenantId,
      idtyp: "app",
      ver: "1.0",
      uti: newGuid(),
    };
    const head = b64url(JSON.stringify({ typ: "JWT", alg: "HS256", kid: "emulator" }));
    const body = b64url(JSON.stringify(claims));
    return { token: `${head}.${body}.${this.sign(`${head}.${body}`)}`, expiresIn: this.lifetimeSeconds };
  }

  /**
   * Checks an Authorization header for a resource whose audiences are `audiences`; throws the
   * 401 ARM would send. `flavor` picks Log Analytics' error codes for the query API.
   */
  verify(header: string | undefined, audiences: readonly string[], flavor: "arm" | "logs" = "arm"): TokenClaims {
    const fail = (code: string, logsCode: string, message: string): ArmError => ArmErrors.unauthenticated(flavor === "arm" ? code : logsCode, message, this.tenantId);
    if (!header) {
      throw fail("AuthenticationFailed", "AuthorizationRequiredError", "Authentication failed. The 'Authorization' header is missing.");
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) {
      throw fail("AuthenticationFailed", "AuthorizationRequiredError", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    }
    const parts = m[1]!.split(".");
    const invalid = (): ArmError => fail("InvalidAuthenticationToken", "InvalidTokenError", "The access token is invalid.");
    if (parts.length !== 3) throw invalid();
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as TokenClaims;
    } catch {
      throw invalid();
    }
    if (!audiences.some((a) => a.toLowerCase() === String(claims.aud).toLowerCase())) {
      throw fail(
        "InvalidAuthenticationTokenAudience",
        "InvalidTokenError",
        `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${audiences.join("','")}'.`,
      );
    }
    const now = Math.floor(this.clock.now() / 1000);
    if (typeof claims.exp !== "number" || claims.exp <= now) {
      throw fail(
        "ExpiredAuthenticationToken",
        "InvalidTokenError",
        `The access token expiry UTC time '${new Date((claims.exp ?? 0) * 1000).toUTCString()}' is earlier than current UTC time '${new Date(now * 1000).toUTCString()}'.`,
      );
    }
    if (String(claims.tid).toLowerCase() !== this.tenantId.toLowerCase()) {
      throw fail(
        "InvalidAuthenticationTokenTenant",
        "InvalidTokenError",
        `The access token is from the wrong issuer '${claims.iss}'. It must match the tenant 'https://sts.windows.net/${this.tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${this.tenantId}' to get the token.`,
      );
    }
    return claims;
  }

  private sign(input: string): string {
    return createHmac("sha256", this.key).update(input).digest("base64url");
  }
}
