import { describe, expect, it } from 'vitest';
import { createMasker } from './privacy.js';

describe('the masker', () => {
  it('replaces emails and phone numbers, the same value with the same placeholder, and puts them back', () => {
    const m = createMasker();
    const text = 'Mail ana.lópez@example.org or call +44 20 7946 0958; again: ana.lópez@example.org, (555) 010-9999.';
    const masked = m.mask(text);
    expect(masked).toBe('Mail [EMAIL_1] or call [PHONE_1]; again: [EMAIL_1], [PHONE_2].');
    expect(m.restore(masked)).toBe(text);
  });

  it('keeps record ids whole, even when their digits look like a phone number', () => {
    const m = createMasker();
    // Each of these has a run of 7+ decimal digits a phone pattern alone would take.
    const [a, b, c] = [
      '87234404-85b0-4c2f-bedf-a8ca22c4a00e',
      'abcdef01-1234-4567-8901-123456789012',
      '12345678-1234-4123-9123-123456789012',
    ];
    const text = `{"id":"${a}","contactId":"${b.toUpperCase()}"} ${c} and 0161 496 0000`;
    expect(m.mask(text)).toBe(`{"id":"${a}","contactId":"${b.toUpperCase()}"} ${c} and [PHONE_1]`);
  });

  it('leaves short numbers, dates and placeholders it did not make alone', () => {
    const m = createMasker();
    expect(m.mask('Room 12, 5k run on 2026-12-01T10:00:00Z, 3 x 45 min')).toBe('Room 12, 5k run on 2026-12-01T10:00:00Z, 3 x 45 min');
    expect(m.restore('[EMAIL_7] stays')).toBe('[EMAIL_7] stays');
  });
});
