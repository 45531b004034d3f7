import { describe, expect, it } from 'vitest';
import type { CalcomEventType } from '../../../common/calcom';
import { anyServiceEnabled, planEventTypes, toEventTypeLink } from './event-type-plan';

const et = (id: number, slug: string, hidden = false): CalcomEventType => ({
  id,
  slug,
  title: slug,
  lengthInMinutes: 30,
  hidden,
});
const all = { 30: true, 60: true, 90: true } as const;
const summary = (a: ReturnType<typeof planEventTypes>) =>
  a.map((x) =>
    x.kind === 'update' ? `${x.kind}:${x.duration}:${x.hidden ? 'hide' : 'show'}` : `${x.kind}:${x.duration}`,
  );

describe('planEventTypes', () => {
  it.each([
    ['nothing exists, all enabled', all, [], ['create:30', 'create:60', 'create:90']],
    ['nothing exists, only 60', { 30: false, 60: true, 90: false }, [], ['create:60']],
    [
      'all exist and visible',
      all,
      [et(1, 'consultation-30min'), et(2, 'consultation-60min'), et(3, 'consultation-90min')],
      ['keep:30', 'keep:60', 'keep:90'],
    ],
    [
      'resumed: one created before the crash',
      all,
      [et(1, 'consultation-30min')],
      ['keep:30', 'create:60', 'create:90'],
    ],
    [
      'disable 90 hides it',
      { 30: true, 60: true, 90: false },
      [et(1, 'consultation-30min'), et(2, 'consultation-60min'), et(3, 'consultation-90min')],
      ['keep:30', 'keep:60', 'update:90:hide'],
    ],
    ['re-enable a hidden one', all, [et(1, 'consultation-30min', true)], ['update:30:show', 'create:60', 'create:90']],
    [
      'disabled and hidden stays',
      { 30: false, 60: true, 90: true },
      [et(1, 'consultation-30min', true)],
      ['keep:30', 'create:60', 'create:90'],
    ],
    [
      'foreign slugs are left alone',
      all,
      [et(9, 'intro-call'), et(8, 'consultation-30')],
      ['create:30', 'create:60', 'create:90'],
    ],
  ] as const)('%s', (_n, services, existing, want) => {
    expect(summary(planEventTypes(services, existing))).toEqual(want);
  });

  it('creates with the original titles, slugs and descriptions', () => {
    expect(planEventTypes({ 30: true, 60: false, 90: false }, [])).toEqual([
      {
        kind: 'create',
        duration: 30,
        title: '30 Min Consultation',
        slug: 'consultation-30min',
        description: '30-minute consultation session',
      },
    ]);
  });
});

describe('helpers', () => {
  it('anyServiceEnabled', () => {
    expect(anyServiceEnabled({ 30: false, 60: false, 90: false })).toBe(false);
    expect(anyServiceEnabled({ 30: false, 60: false, 90: true })).toBe(true);
  });
  it('toEventTypeLink builds the public booking link', () => {
    expect(toEventTypeLink('https://app.cal.com/', 'dana-reyes', 30, et(5, 'consultation-30min'))).toEqual({
      duration: 30,
      id: 5,
      slug: 'consultation-30min',
      title: 'consultation-30min',
      hidden: false,
      link: 'https://app.cal.com/dana-reyes/consultation-30min',
    });
  });
  it("toEventTypeLink prefers the event type's own bookingUrl (organization members' pages are on the org's domain)", () => {
    const org = { ...et(5, 'consultation-30min'), bookingUrl: 'https://acme.cal.com/dana-reyes/consultation-30min' };
    expect(toEventTypeLink('https://app.cal.com/', 'dana-reyes', 30, org).link).toBe(
      'https://acme.cal.com/dana-reyes/consultation-30min',
    );
    expect(
      toEventTypeLink('https://app.cal.com/', 'dana-reyes', 30, { ...org, bookingUrl: 'javascript:alert(1)' }).link,
    ).toBe('https://app.cal.com/dana-reyes/consultation-30min');
  });
});
