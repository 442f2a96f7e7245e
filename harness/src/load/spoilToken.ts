/**
 * A forged copy of a compact JWS (header.payload.signature): the payload's ticket number (`tkt`)
 * moved on by a million, the header and signature kept, so that only a server that checks the
 * signature can tell. A token that is not a JWS gets its last character changed instead.
 */
export function spoilToken(token: string): string {
  const [header, payload, signature] = token.split('.');
  if (header !== undefined && payload !== undefined && signature !== undefined) {
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof claims.tkt === 'number') {
        const forged = Buffer.from(JSON.stringify({ ...claims, tkt: claims.tkt + 1_000_000 })).toString('base64url');
        return `${header}.${forged}.${signature}`;
      }
    } catch {
      // not JSON: fall through
    }
  }
  const last = token.at(-1) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -1)}${last}`;
}
