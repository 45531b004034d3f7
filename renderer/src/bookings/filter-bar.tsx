import { useQuery } from '@tanstack/react-query';
import { memo } from 'react';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { bookingStatusLabels, bookingStatusOrder } from '../components/status-badge';
import type { BookingFilters, BookingTab } from './booking-filters';

const tabs: readonly { tab: BookingTab; label: string }[] = [
  { tab: 'upcoming', label: 'Upcoming' },
  { tab: 'past', label: 'Past' },
  { tab: 'cancelled', label: 'Cancelled' },
  { tab: 'all', label: 'All' },
];

/** Tabs, status, date range and attendee search for the Bookings screen (memoized: the list's pages loading re-render the page). */
export const FilterBar = memo(function FilterBar({
  filters,
  onChange,
}: {
  readonly filters: BookingFilters;
  readonly onChange: (next: BookingFilters) => void;
}) {
  const counts = useQuery({ queryKey: queryKeys.bookingCounts, queryFn: () => callApi('countBookings', {}) });
  const set = <K extends keyof BookingFilters>(key: K, value: BookingFilters[K]) =>
    onChange({ ...filters, [key]: value });

  return (
    <div className="filter-bar">
      <div className="tabs" role="tablist" aria-label="Which bookings">
        {tabs.map(({ tab, label }) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={filters.tab === tab}
            aria-controls="booking-results"
            className="tab"
            onClick={() => set('tab', tab)}
            onKeyDown={(e) => {
              // Arrow keys move between tabs, as the WAI-ARIA tabs pattern expects.
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const i = tabs.findIndex((t) => t.tab === tab);
              const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
              if (next) {
                set('tab', next.tab);
                const buttons = e.currentTarget.parentElement?.querySelectorAll<HTMLButtonElement>('[role="tab"]');
                buttons?.[tabs.indexOf(next)]?.focus();
              }
            }}
            tabIndex={filters.tab === tab ? 0 : -1}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="filters">
        <label className="field field-grow">
          <span>Search attendees</span>
          <input
            type="search"
            placeholder="Name or email"
            value={filters.search}
            onChange={(e) => set('search', e.target.value)}
            maxLength={200}
          />
        </label>
        <label className="field">
          <span>Status</span>
          <select value={filters.status} onChange={(e) => set('status', e.target.value as BookingFilters['status'])}>
            <option value="any">Any status</option>
            {bookingStatusOrder.map((s) => (
              <option key={s} value={s}>
                {bookingStatusLabels[s]}
                {counts.data ? ` (${counts.data[s]})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>From</span>
          <input
            type="date"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(e) => set('from', e.target.value)}
          />
        </label>
        <label className="field">
          <span>To</span>
          <input
            type="date"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(e) => set('to', e.target.value)}
          />
        </label>
      </div>
    </div>
  );
});
