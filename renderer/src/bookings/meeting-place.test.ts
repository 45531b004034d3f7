import { describe, expect, it } from 'vitest';
import { describeLocation } from './meeting-place';

describe('describeLocation', () => {
  it.each([
    ['integrations:daily', 'Cal Video'],
    ['integrations:zoom', 'Zoom'],
    ['integrations:google:meet', 'Google Meet'],
    ['INTEGRATIONS:Daily', 'Cal Video'],
    ['integrations:sirius_video', 'Sirius Video'],
    ['12 Harbour Street, Portland', '12 Harbour Street, Portland'],
    ['+1 555 0100', '+1 555 0100'],
    ['https://example.com/room', 'https://example.com/room'],
  ])('%s → %s', (location, expected) => {
    expect(describeLocation(location)).toBe(expected);
  });
});
