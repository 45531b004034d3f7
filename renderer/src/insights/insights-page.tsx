import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState } from '../components/empty-state';
import { ErrorNotice } from '../components/error-notice';
import { Spinner } from '../components/spinner';
import { useNow } from '../components/use-now';
import { bookingRates, bookingsPerWeek, weekStart } from './insight-math';
import { usePeriodBookings } from './use-period-bookings';

const WEEKS = 12;

/** Reads a colour from the stylesheet so the chart follows light and dark mode. */
function cssColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

const percent = (n: number | null) => (n === null ? '—' : `${Math.round(n * 100)}%`);

/** Insights: sessions per week by service over the last months, and no-show and cancellation rates. */
export function InsightsPage() {
  const now = useNow(10 * 60_000);
  const { from, to } = useMemo(() => {
    const start = weekStart(new Date(now));
    start.setDate(start.getDate() - 7 * (WEEKS - 1));
    const end = new Date(weekStart(new Date(now)));
    end.setDate(end.getDate() + 7);
    return { from: start, to: end };
  }, [now]);
  const period = usePeriodBookings(from, to);
  const weeks = useMemo(
    () => (period.data ? bookingsPerWeek(period.data.items, WEEKS, new Date(now)) : []),
    [period.data, now],
  );
  const rates = useMemo(
    () => (period.data ? bookingRates(period.data.items, new Date(now)) : null),
    [period.data, now],
  );
  const colors = {
    30: cssColor('--chart-1', '#7cc7b5'),
    60: cssColor('--chart-2', '#1f7a6a'),
    90: cssColor('--chart-3', '#1d5f7a'),
    grid: cssColor('--border', '#e1e6e4'),
    text: cssColor('--muted', '#5f6f6b'),
  };

  return (
    <>
      <header className="page-header">
        <h1>Insights</h1>
        <p className="muted small">Last {WEEKS} weeks</p>
      </header>
      {period.isPending ? (
        <Spinner label="Loading insights" />
      ) : period.isError ? (
        <ErrorNotice error={period.error} title="Insights could not be loaded">
          <button type="button" className="button" onClick={() => void period.refetch()}>
            Retry
          </button>
        </ErrorNotice>
      ) : period.data.items.length === 0 ? (
        <section className="card">
          <EmptyState title="Nothing to chart yet">
            Once clients book sessions, this page shows your weekly rhythm and how often plans change.
          </EmptyState>
        </section>
      ) : (
        <>
          <div className="stats">
            <Stat label="Bookings" value={String(rates?.total ?? 0)} />
            <Stat label="Sessions held" value={String(rates?.held ?? 0)} />
            <Stat
              label="No-show rate"
              value={percent(rates?.noShowRate ?? null)}
              hint={`${rates?.noShows ?? 0} of ${(rates?.held ?? 0) + (rates?.noShows ?? 0)} past sessions`}
            />
            <Stat
              label="Cancellation rate"
              value={percent(rates?.cancellationRate ?? null)}
              hint={`${rates?.cancelled ?? 0} cancelled`}
            />
          </div>
          <section className="card" aria-labelledby="weekly-heading">
            <h2 id="weekly-heading">Sessions per week</h2>
            <p className="visually-hidden">
              {weeks.map((w) => `Week of ${w.label}: ${w[30] + w[60] + w[90] + w.other} sessions`).join('. ')}
            </p>
            <div className="chart" aria-hidden="true">
              <ResponsiveContainer width="100%" height={300}>
                <BarChart accessibilityLayer={false} data={weeks} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                  <CartesianGrid vertical={false} stroke={colors.grid} />
                  <XAxis dataKey="label" tick={{ fill: colors.text, fontSize: 12 }} axisLine={false} tickLine={false} />
                  <YAxis
                    allowDecimals={false}
                    tick={{ fill: colors.text, fontSize: 12 }}
                    axisLine={false}
                    tickLine={false}
                  />
                  <Tooltip cursor={{ fill: colors.grid, opacity: 0.4 }} />
                  <Legend formatter={(value: string) => <span style={{ color: colors.text }}>{value}</span>} />
                  <Bar dataKey="30" name="30 min" stackId="s" fill={colors[30]} />
                  <Bar dataKey="60" name="60 min" stackId="s" fill={colors[60]} />
                  <Bar dataKey="90" name="90 min" stackId="s" fill={colors[90]} radius={[4, 4, 0, 0]} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            {period.data.partial ? (
              <p className="muted small">Showing the first 20,000 bookings of this period.</p>
            ) : null}
          </section>
        </>
      )}
    </>
  );
}

function Stat({ label, value, hint }: { readonly label: string; readonly value: string; readonly hint?: string }) {
  return (
    <div className="stat card">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
      {hint ? <span className="muted small">{hint}</span> : null}
    </div>
  );
}
