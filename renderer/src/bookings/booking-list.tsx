import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import type { Booking } from '../../../common/booking';
import { formatDate, formatTime } from '../components/format';
import { StatusBadge } from '../components/status-badge';

/** Every row is this tall (the CSS says so too), so the virtualizer never measures a row. */
const ROW_HEIGHT = 72;
const estimateSize = () => ROW_HEIGHT;

/**
 * Rows rendered past each edge of the view. The virtualizer re-renders inside the scroll event, so a few rows
 * only cover the frames where the compositor scrolls ahead of the main thread.
 */
const OVERSCAN = 5;

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
 *
 * Scrolling costs one small render per frame (the rows entering and leaving), so the browser's share is kept
 * small too: the scroller is composited as one layer (opaque background, its own stacking context),
 * `.booking-list-sizer` is a layout boundary (`contain: strict`: adding or removing a row never lays out the rest
 * of the page), and each row is fixed-height and contained.
 */
export function BookingList({
  items,
  total,
  selectedUid,
  timeZone,
  hasMore,
  loadingMore,
  onLoadMore,
  onSelect,
}: BookingListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = hasMore ? Math.max(total, items.length) : items.length;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    overscan: OVERSCAN,
  });
  const rows = virtualizer.getVirtualItems();
  const lastIndex = rows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= items.length - 20) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, items.length, onLoadMore]);

  // Keep the selected booking in view when it changes from elsewhere (a deep link, the keyboard).
  // Memoized: the list renders on every scrolled frame, and a search through 10,000 loaded rows adds up.
  const selectedIndex = useMemo(
    () => (selectedUid ? items.findIndex((b) => b.uid === selectedUid) : -1),
    [items, selectedUid],
  );
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
      window.requestAnimationFrame(() =>
        scrollRef.current?.querySelector<HTMLButtonElement>(`[data-uid="${CSS.escape(next.uid)}"]`)?.focus(),
      );
    }
  };

  return (
    <div className="booking-list" ref={scrollRef} onKeyDown={onKeyDown}>
      <div className="booking-list-sizer" style={{ height: virtualizer.getTotalSize() }}>
        <ul role="list" aria-label={`Bookings, ${total} in all`} className="booking-list-inner">
          {rows.map((row) => {
            const booking = items[row.index];
            return booking ? (
              <BookingRow
                key={booking.uid}
                start={row.start}
                booking={booking}
                selected={booking.uid === selectedUid}
                timeZone={timeZone}
                onSelect={onSelect}
              />
            ) : (
              <li
                key={`placeholder-${row.index}`}
                className="booking-row-slot"
                style={{ transform: `translateY(${row.start}px)` }}
              >
                <div className="booking-row booking-row-placeholder" aria-hidden="true" />
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

interface RowText {
  readonly timeZone: string;
  readonly date: string;
  readonly time: string;
}

/** A booking's date and time as the row shows them, formatted once per booking object (pages keep theirs). */
const rowTexts = new WeakMap<Booking, RowText>();

function rowText(booking: Booking, timeZone: string): RowText {
  let text = rowTexts.get(booking);
  if (text?.timeZone !== timeZone) {
    text = { timeZone, date: formatDate(booking.startTime, timeZone), time: formatTime(booking.startTime, timeZone) };
    rowTexts.set(booking, text);
  }
  return text;
}

interface BookingRowProps {
  /** Where the row sits in the list, in px from its top. */
  readonly start: number;
  readonly booking: Booking;
  readonly selected: boolean;
  readonly timeZone: string;
  readonly onSelect: (uid: string) => void;
}

/**
 * One row, its list item included; memoized so a scrolled frame renders only the rows that enter the window (the
 * others are skipped whole, their list items too). Its parts are the button's own children, laid out by a grid
 * (date over time, name over title, status over length).
 */
const BookingRow = memo(function BookingRow({ start, booking, selected, timeZone, onSelect }: BookingRowProps) {
  const { date, time } = rowText(booking, timeZone);
  return (
    <li className="booking-row-slot" style={{ transform: `translateY(${start}px)` }}>
      <button
        type="button"
        className="booking-row"
        data-uid={booking.uid}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(booking.uid)}
      >
        <span className="booking-date">{date}</span>
        <span className="booking-time">{time}</span>
        <span className="booking-name" title={booking.attendee.name}>
          {booking.attendee.name}
        </span>
        <span className="booking-title" title={booking.title}>
          {booking.title}
        </span>
        <StatusBadge status={booking.status} />
        <span className="booking-length muted small">{`${booking.duration} min`}</span>
      </button>
    </li>
  );
});
