import { NavLink, Outlet } from 'react-router';
import { usePushEvents } from '../api/use-push-events';
import { useAppState } from '../api/use-app-state';

/** The window frame: navigation on the left, the current screen on the right; listens to push events. */
export function AppShell() {
  usePushEvents();
  const state = useAppState();
  const status = state.data?.connection.status;
  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          // Hash routing owns the fragment, so move focus instead of following the link.
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>LifeScore</span>
        </div>
        <ul>
          <li>
            <NavLink to="/" end>
              Dashboard
            </NavLink>
          </li>
          <li>
            <NavLink to="/bookings">Bookings</NavLink>
          </li>
          <li>
            <NavLink to="/insights">Insights</NavLink>
          </li>
          <li>
            <NavLink to="/settings">Settings</NavLink>
          </li>
        </ul>
        <p className={`sidebar-status sidebar-status-${status ?? 'unknown'}`} aria-hidden="true">
          {status === 'connected'
            ? 'Cal.com linked'
            : status === 'connecting'
              ? 'Linking Cal.com…'
              : status
                ? 'Cal.com not linked'
                : ''}
        </p>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
