import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { useAppState, useConsultantTimeZone } from '../api/use-app-state';
import { EmptyState } from '../components/empty-state';
import { ErrorNotice } from '../components/error-notice';
import { Spinner } from '../components/spinner';
import { BookingDetail } from './booking-detail';
import type { BookingFilters } from './booking-filters';
import { defaultFilters, hasNarrowingFilters, toBookingQuery } from './booking-filters';
import { BookingList } from './booking-list';
import { FilterBar } from './filter-bar';
import { useBookingList } from './use-booking-list';
import { useDebounced } from './use-debounced';

const emptyTitles = {
  upcoming: 'No upcoming sessions',
  past: 'No past sessions yet',
  cancelled: 'No cancellations',
  all: 'No bookings yet',
} as const;

/** Bookings: tabs and filters, a virtualized list, and the selected booking's details. */
export function BookingsPage() {
  const { uid } = useParams();
  const navigate = useNavigate();
  const timeZone = useConsultantTimeZone();
  const state = useAppState();
  const [filters, setFilters] = useState<BookingFilters>(defaultFilters);
  const search = useDebounced(filters.search, 250);
  const query = useMemo(() => toBookingQuery({ ...filters, search }), [filters, search]);
  const list = useBookingList(query);
  const select = useCallback((next: string) => void navigate(`/bookings/${encodeURIComponent(next)}`), [navigate]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const connected = state.data?.connection.status === 'connected';
  const counts = useQuery({ queryKey: queryKeys.bookingCounts, queryFn: () => callApi('countBookings', {}) });
  // With no bookings at all, every tab says so the same way; otherwise the tab's own empty title.
  const noneAtAll = counts.data !== undefined && Object.values(counts.data).every((n) => n === 0);

  let body;
  if (list.isPending) {
    body = <Spinner label="Loading bookings" />;
  } else if (list.isError && list.items.length === 0) {
    body = (
      <ErrorNotice error={list.error} title="Bookings could not be loaded">
        <button type="button" className="button" onClick={() => void list.refetch()}>
          Retry
        </button>
      </ErrorNotice>
    );
  } else if (list.items.length === 0) {
    body = hasNarrowingFilters(filters) ? (
      <EmptyState
        title="No bookings match these filters"
        action={
          <button type="button" className="button" onClick={() => setFilters({ ...defaultFilters, tab: filters.tab })}>
            Clear filters
          </button>
        }
      >
        Try another status, a wider date range or a shorter search.
      </EmptyState>
    ) : connected ? (
      <EmptyState
        title={noneAtAll ? 'No bookings yet' : emptyTitles[filters.tab]}
        action={<Link to="/">Copy a booking link from the Dashboard</Link>}
      >
        When a client books one of your sessions it appears here within seconds.
      </EmptyState>
    ) : (
      <EmptyState title="No bookings yet" action={<Link to="/">Connect Cal.com on the Dashboard</Link>}>
        Bookings arrive here once your Cal.com account is connected.
      </EmptyState>
    );
  } else {
    body = (
      <BookingList
        items={list.items}
        total={list.total}
        selectedUid={uid}
        timeZone={timeZone}
        hasMore={hasNextPage}
        loadingMore={isFetchingNextPage}
        onLoadMore={loadMore}
        onSelect={select}
      />
    );
  }

  return (
    <>
      <header className="page-header">
        <h1>Bookings</h1>
        <p className="muted small" aria-live="polite">
          {/* Not for the next page while scrolling: the count stays put, and screen readers are not told "Updating…" per page. */}
          {list.isFetching && !list.isPending && !isFetchingNextPage
            ? 'Updating…'
            : list.items.length > 0
              ? `${list.total} ${list.total === 1 ? 'booking' : 'bookings'}`
              : ''}
        </p>
      </header>
      <FilterBar filters={filters} onChange={setFilters} />
      <div className="bookings-layout">
        <div className="bookings-results" id="booking-results" role="tabpanel" aria-label="Results">
          {body}
        </div>
        <aside className="bookings-detail" aria-label="Booking details">
          {uid ? (
            <BookingDetail key={uid} uid={uid} timeZone={timeZone} />
          ) : (
            <EmptyState title="Select a booking">Its details, meeting link and history show here.</EmptyState>
          )}
        </aside>
      </div>
    </>
  );
}
