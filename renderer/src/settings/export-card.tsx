import { useMutation } from '@tanstack/react-query';
import type { Booking } from '../../../common/booking';
import { callApi } from '../api/api-client';
import { ErrorNotice } from '../components/error-notice';
import { bookingsToCsv } from './bookings-csv';

const PAGE = 500;

/** Reads every booking from the local store, page by page. */
async function allBookings(): Promise<Booking[]> {
  const items: Booking[] = [];
  for (;;) {
    const page = await callApi('listBookings', { tab: 'all', offset: items.length, limit: PAGE });
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

/** Hands a file to the browser (or Electron's download handling) without leaving the page. */
export function download(name: string, text: string): void {
  // The byte-order mark makes spreadsheet apps read the file as UTF-8 (names with accents).
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Export all bookings on this computer as CSV. */
export function ExportCard() {
  const exportCsv = useMutation({
    mutationFn: allBookings,
    onSuccess: (bookings) =>
      download(`lifescore-bookings-${new Date().toISOString().slice(0, 10)}.csv`, bookingsToCsv(bookings)),
  });
  return (
    <section className="card" aria-labelledby="export-heading">
      <h2 id="export-heading">Your data</h2>
      <p className="muted small">
        Bookings are stored on this computer. Export them for your records or a spreadsheet.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => exportCsv.mutate()}
          disabled={exportCsv.isPending}
          aria-busy={exportCsv.isPending}
        >
          {exportCsv.isPending ? 'Preparing…' : 'Export bookings (CSV)'}
        </button>
        {exportCsv.isSuccess ? (
          <span className="muted small" role="status">
            Exported {exportCsv.data.length} {exportCsv.data.length === 1 ? 'booking' : 'bookings'}.
          </span>
        ) : null}
      </div>
      {exportCsv.isError ? <ErrorNotice error={exportCsv.error} title="The export did not finish" /> : null}
    </section>
  );
}
