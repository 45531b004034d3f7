import { describe, expect, it } from 'vitest';
import { signatureCases } from '../tests/support/webhook-signature-cases';
import { presentedSignatureHex } from './webhook-signature';

describe('presentedSignatureHex', () => {
  // Rows a verifier rejects only after the HMAC (wrong secret or body) are well-formed: the parse accepts them.
  const wellFormedButWrong = new Set(['another secret', 'a one-byte different body']);
  it.each(signatureCases)('%s', (name, presented, accepted) => {
    const hex = presentedSignatureHex(presented);
    expect(hex !== null).toBe(accepted || wellFormedButWrong.has(name));
    if (hex !== null) expect(hex).toMatch(/^[0-9a-f]{64}$/);
  });
});
