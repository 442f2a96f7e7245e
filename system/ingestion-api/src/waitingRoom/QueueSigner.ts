import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { AdmissionClaims } from '@flux-gate/contracts';

/** A ticket read back: the product, the sale's queue epoch and the ticket's number. */
export interface TicketClaims {
  productId: string;
  epoch: string;
  number: number;
}

export type TokenReading = { ok: AdmissionClaims } | { error: 'token_forged' | 'token_other_product' | 'token_expired' };

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const unb64 = (text: string) => Buffer.from(text, 'base64url').toString('utf8');
const b64url = /^[A-Za-z0-9_-]+$/;
/** The one JOSE header a token may carry: HS256 and nothing else (no `alg: none`, no key id). */
const jwtHeader = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const ticketSigBytes = 16;

/**
 * Compares a given signature with the expected one as base64url text, in constant time. Comparing
 * the decoded bytes would accept another spelling of the same bytes (the last character's unused
 * bits), so a token would have several valid forms.
 */
const sameTag = (given: string, expected: Buffer) => {
  const a = Buffer.from(given);
  const b = Buffer.from(b64(expected));
  return a.length === b.length && timingSafeEqual(a, b);
};
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/**
 * Signs and checks the waiting room's two bearer strings with HMAC-SHA-256, each on its own key
 * derived (HKDF) from one secret, so that neither can pass for the other:
 * - a ticket, `<productId, base64url>.<epoch>.<number>.<128-bit tag>`, which only names a place;
 * - an admission token, a compact JWS (JWT, HS256) with the claims of AdmissionClaims.
 */
export class QueueSigner {
  readonly #ticketKey: Buffer;
  readonly #tokenKey: Buffer;

  constructor(secret: string) {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'flux-gate waiting room', info, 32));
    this.#ticketKey = derive('ticket');
    this.#tokenKey = derive('admission token');
  }

  ticket({ productId, epoch, number }: TicketClaims): string {
    const body = `${b64(productId)}.${epoch}.${number}`;
    return `${body}.${b64(this.#mac(this.#ticketKey, body).subarray(0, ticketSigBytes))}`;
  }

  /** The ticket's claims, or null when this server did not sign it. */
  readTicket(ticket: string): TicketClaims | null {
    const parts = ticket.split('.');
    if (parts.length !== 4 || !parts.every((p) => b64url.test(p))) return null;
    const [product, epoch, number, tag] = parts as [string, string, string, string];
    const expected = this.#mac(this.#ticketKey, `${product}.${epoch}.${number}`).subarray(0, ticketSigBytes);
    if (!sameTag(tag, expected) || !/^[1-9]\d{0,15}$/.test(number)) return null;
    return { productId: unb64(product), epoch, number: Number(number) };
  }

  token(claims: AdmissionClaims): string {
    const signed = `${jwtHeader}.${b64(JSON.stringify(claims))}`;
    return `${signed}.${b64(this.#mac(this.#tokenKey, signed))}`;
  }

  /** Checks a token for `productId` at `nowMs`: forged (signature, header or claims), other product, or expired. */
  readToken(token: string, productId: string, nowMs: number): TokenReading {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== jwtHeader || !b64url.test(parts[1]!) || !b64url.test(parts[2]!)) return { error: 'token_forged' };
    const signed = `${parts[0]}.${parts[1]}`;
    if (!sameTag(parts[2]!, this.#mac(this.#tokenKey, signed))) return { error: 'token_forged' };
    let claims: Partial<AdmissionClaims>;
    try {
      claims = JSON.parse(unb64(parts[1]!)) as Partial<AdmissionClaims>;
    } catch {
      return { error: 'token_forged' };
    }
    if (typeof claims.pid !== 'string' || !isCount(claims.tkt) || typeof claims.ep !== 'string' || !isCount(claims.exp) || !isCount(claims.iat)) {
      return { error: 'token_forged' };
    }
    if (claims.pid !== productId) return { error: 'token_other_product' };
    if (claims.exp * 1000 <= nowMs) return { error: 'token_expired' };
    return { ok: claims as AdmissionClaims };
  }

  #mac(key: Buffer, data: string): Buffer {
    return createHmac('sha256', key).update(data).digest();
  }
}
