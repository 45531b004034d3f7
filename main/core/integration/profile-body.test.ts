import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../common/settings';
import type { IntegrationRecord } from './integration-records';
import { buildProfileBody, profileUrlOf } from './profile-body';

const record: IntegrationRecord = {
  isConnected: true,
  username: 'dana-reyes',
  name: 'Dana Reyes',
  userId: 1,
  email: 'dana@example.com',
  timeZone: 'America/Chicago',
  webhookId: 'w',
  connectedAt: 'c',
  channel: { relayUrl: 'https://relay.test', channelId: 'c', ingestUrl: 'i', streamUrl: 's' },
  eventTypes: [
    {
      duration: 30,
      id: 1,
      slug: 'consultation-30min',
      title: '30 Min Consultation',
      hidden: false,
      link: 'https://cal.test/dana-reyes/consultation-30min',
    },
    {
      duration: 90,
      id: 3,
      slug: 'consultation-90min',
      title: '90 Min Consultation',
      hidden: true,
      link: 'https://cal.test/dana-reyes/consultation-90min',
    },
  ],
};
const settings = defaultSettings('https://relay.test');

describe('buildProfileBody', () => {
  it('defaults the slug to the username and lists only visible services', () => {
    expect(buildProfileBody(settings, record)).toEqual({
      slug: 'dana-reyes',
      name: 'Dana Reyes',
      bio: '',
      preparationTips: '',
      timeZone: 'America/Chicago',
      email: 'dana@example.com',
      services: [
        {
          durationMinutes: 30,
          title: '30 Min Consultation',
          bookingUrl: 'https://cal.test/dana-reyes/consultation-30min',
        },
      ],
      emailsEnabled: true,
    });
  });
  it('uses the settings profile when set', () => {
    const s = {
      ...settings,
      relayEmails: false,
      profile: {
        ...settings.profile,
        slug: 'dana',
        name: ' Dr. Dana ',
        bio: 'Coach',
        photoUrl: 'https://img.test/d.png',
      },
    };
    expect(buildProfileBody(s, record)).toMatchObject({
      slug: 'dana',
      name: 'Dr. Dana',
      bio: 'Coach',
      photoUrl: 'https://img.test/d.png',
      emailsEnabled: false,
    });
  });
  it('shows each edited service with its description and where it takes place', () => {
    const s = {
      ...settings,
      serviceDetails: {
        30: {
          title: 'Intro',
          description: 'A first talk.',
          location: { type: 'in-person' as const, address: '12 Elm Street' },
          requiresConfirmation: false,
        },
      },
    };
    expect(buildProfileBody(s, record)?.services).toEqual([
      {
        durationMinutes: 30,
        title: '30 Min Consultation',
        description: 'A first talk.',
        location: 'In person: 12 Elm Street',
        bookingUrl: 'https://cal.test/dana-reyes/consultation-30min',
      },
    ]);
  });
  it('publishes nothing when no valid slug exists', () => {
    expect(buildProfileBody(settings, { ...record, username: 'Dana_Reyes' })).toBeNull();
  });
  it('profileUrlOf', () => {
    expect(profileUrlOf('https://relay.test/', 'dana')).toBe('https://relay.test/consultations/dana');
  });
});
