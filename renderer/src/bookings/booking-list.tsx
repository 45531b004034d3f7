import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import type { Booking } from '../../../common/booking';
import { formatDate, formatTime } from '../components/format';
import { StatusBadge } from '../components/status-badge';

const ROW_HEIGHT = 72;

interface BookingListProps {
  readonly items: readonly Booking[];
  readonly total: number;
  readonly selectedUid: string | undefined;
  readonly timeZone: string;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly onLoadMore: () => void;
  readonly onSelect: (uid: string) => void;
}

/**
 * The bookings as a virtualized list: only the rows in view exist in the DOM, so 10,000 bookings scroll
 * like 10. Rows past what is loaded show a placeholder and pull the next page.
 */
export function BookingList({ items, total, selectedUid, timeZone, hasMore, loadingMore, onLoadMore, onSelect }: BookingListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = hasMore ? Math.max(total, items.length) : items.length;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const rows = virtualizer.getVirtualItems();
  const lastIndex = rows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= items.length - 20) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, items.length, onLoadMore]);

  // Keep the selected booking in view when it changes from elsewhere (a deep link, the keyboard).
  const selectedIndex = selectedUid ? items.findIndex((b) => b.uid === selectedUid) : -1;
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const from = selectedIndex >= 0 ? selectedIndex : -1;
    const next = items[Math.min(items.length - 1, Math.max(0, from + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      onSelect(next.uid);
      // Focus follows the selection once the row is rendered.
      window.requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLButtonElement>(`[data-uid="${CSS.escape(next.uid)}"]`)?.focus());
    }
  };

  return (
    <div className="booking-list" ref={scrollRef} onKeyDown={onKeyDown}>
      <ul role="list" aria-label={`Bookings, ${total} in all`} style={{ height: virtualizer.getTotalSize() }} className="booking-list-inner">
        {rows.map((row) => {
          const booking = items[row.index];
          return (
            <li key={booking?.uid ?? `placeholder-${row.index}`} className="booking-row-slot" style={{ transform: `translateY(${row.start}px)`, height: row.size }}>
              {booking ? (
                <BookingRow booking={booking} selected={booking.uid === selectedUid} timeZone={timeZone} onSelect={onSelect} />
              ) : (
                <div className="booking-row booking-row-placeholder" aria-hidden="true" />
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

interface BookingRowProps {
  readonly booking: Booking;
  readonly selected: boolean;
  readonly timeZone: string;
  readonly onSelect: (uid: string) => void;
}

/** One row; memoized so scrolling renders only the rows that enter the window, not every visible one per frame. */
const BookingRow = memo(function BookingRow({ booking, selected, timeZone, onSelect }: BookingRowProps) {
  return (
    <button type="button" className="booking-row" data-uid={booking.uid} aria-current={selected ? 'true' : undefined} onClick={() => onSelect(booking.uid)}>
      <span className="booking-when">
        <span className="booking-date">{formatDate(booking.startTime, timeZone)}</span>
        <span className="booking-time">{formatTime(booking.startTime, timeZone)}</span>
      </span>
      <span className="booking-who">
        <span className="booking-name" title={booking.attendee.name}>
          {booking.attendee.name}
        </span>
        <span className="booking-title" title={booking.title}>
          {booking.title}
        </span>
      </span>
      <span className="booking-meta">
        <StatusBadge status={booking.status} />
        <span className="muted small">{booking.duration} min</span>
      </span>
    </button>
  );
});
