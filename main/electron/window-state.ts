import { z } from 'zod';

/** Where the window was when it closed (normal bounds: what it returns to when un-maximized). */
const windowStateSchema = z.object({
  bounds: z.object({
    x: z.number().int(),
    y: z.number().int(),
    width: z.number().int().min(200),
    height: z.number().int().min(200),
  }),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;
export type Rect = WindowState['bounds'];

/** The smallest part of the window that must land on a screen for the saved position to be reused. */
const MIN_VISIBLE = { width: 120, height: 80 };

/** Reads a stored window state; anything malformed counts as none. */
export function parseWindowState(raw: unknown): WindowState | null {
  const parsed = windowStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * Fits a saved state to today's displays: a window saved on a monitor that is gone (or mostly off-screen) keeps
 * its size, shrunk to fit, but loses its position so the OS centres it. Pure, for the unit test.
 */
export function fitToDisplays(
  state: WindowState,
  workAreas: readonly Rect[],
): { bounds: Partial<Rect> & Pick<Rect, 'width' | 'height'>; maximized: boolean } {
  const { bounds } = state;
  const host = workAreas.find(
    (area) => overlap(bounds, area, 'x') >= MIN_VISIBLE.width && overlap(bounds, area, 'y') >= MIN_VISIBLE.height,
  );
  if (host) {
    return {
      bounds: { ...bounds, width: Math.min(bounds.width, host.width), height: Math.min(bounds.height, host.height) },
      maximized: state.maximized,
    };
  }
  const largest = [...workAreas].sort((a, b) => b.width * b.height - a.width * a.height)[0];
  return {
    bounds: {
      width: Math.min(bounds.width, largest?.width ?? bounds.width),
      height: Math.min(bounds.height, largest?.height ?? bounds.height),
    },
    maximized: state.maximized,
  };
}

function overlap(a: Rect, b: Rect, axis: 'x' | 'y'): number {
  const size = axis === 'x' ? 'width' : 'height';
  return Math.min(a[axis] + a[size], b[axis] + b[size]) - Math.max(a[axis], b[axis]);
}
