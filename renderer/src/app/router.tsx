import { createHashRouter } from 'react-router';
import { BookingsPage } from '../bookings/bookings-page';
import { prefetchBookingsScreen } from '../bookings/bookings-screen-prefetch';
import { DashboardPage } from '../dashboard/dashboard-page';
import { SettingsPage } from '../settings/settings-page';
import { AppShell } from './app-shell';
import type { RouteHandle } from './first-screen-prefetch';

const bookingsHandle: RouteHandle = {
  prefetch: (queryClient, params) => prefetchBookingsScreen(queryClient, params.uid),
};

/**
 * Hash routes: the same build runs from Electron's app:// files and from the browser host, and a hash
 * never asks the server (or the file system) for a route.
 */
export function createAppRouter() {
  return createHashRouter([
    {
      path: '/',
      element: <AppShell />,
      children: [
        { index: true, element: <DashboardPage /> },
        { path: 'bookings/:uid?', element: <BookingsPage />, handle: bookingsHandle },
        // Charts are the heaviest code in the app; load them only when Insights opens.
        {
          path: 'insights',
          lazy: () => import('../insights/insights-page').then((m) => ({ Component: m.InsightsPage })),
        },
        { path: 'settings', element: <SettingsPage /> },
      ],
    },
  ]);
}
