import { DELIVERY_STATUSES, DeliveryStatus, DeliveryTimeline } from '../types';

/** Stacked in this order, bottom up; statuses without any delivery in the window are left out of the legend. */
const COLORS: Record<DeliveryStatus, string> = {
  delivered: '#2e7d32',
  sent: '#66bb6a',
  sending: '#29b6f6',
  queued: '#90a4ae',
  scheduled: '#b0bec5',
  failed: '#d32f2f',
  skipped: '#ffb300',
  cancelled: '#8d6e63',
};

const WIDTH = 600;
const HEIGHT = 200;
const AXIS = 24;

/** Deliveries per minute by status, stacked bars in SVG: no chart library, nothing fetched. */
export function DeliveryChart({ timeline }: { timeline: DeliveryTimeline }) {
  const totals = Object.fromEntries(
    DELIVERY_STATUSES.map((status) => [
      status,
      timeline.minutes.reduce((sum, minute) => sum + minute.counts[status], 0),
    ]),
  ) as Record<DeliveryStatus, number>;
  const shown = DELIVERY_STATUSES.filter((status) => totals[status] > 0);
  const all = shown.reduce((sum, status) => sum + totals[status], 0);
  const peak = Math.max(1, ...timeline.minutes.map((minute) => shown.reduce((sum, s) => sum + minute.counts[s], 0)));
  const slot = WIDTH / timeline.minutes.length;
  const plot = HEIGHT - AXIS;
  const label = (at: string) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Deliveries per minute by status, ${label(timeline.since)} to ${label(timeline.until)}: ${all} in all`}
      >
        <line x1="0" y1={plot} x2={WIDTH} y2={plot} className="axis" />
        {timeline.minutes.map((minute, index) => {
          let top = plot;
          return (
            <g key={minute.at} data-minute={minute.at}>
              {shown.map((status) => {
                const count = minute.counts[status];
                if (!count) return null;
                const height = (count / peak) * (plot - 8);
                top -= height;
                return (
                  <rect
                    key={status}
                    x={index * slot + 1}
                    y={top}
                    width={Math.max(1, slot - 2)}
                    height={height}
                    fill={COLORS[status]}
                    data-status={status}
                    data-count={count}
                  >
                    <title>{`${label(minute.at)}: ${count} ${status}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
        <text x="0" y={HEIGHT - 6} className="tick">
          {label(timeline.since)}
        </text>
        <text x={WIDTH} y={HEIGHT - 6} className="tick" textAnchor="end">
          {label(timeline.until)}
        </text>
        <text x="4" y="12" className="tick">
          {peak}/min
        </text>
      </svg>
      <figcaption>
        <span>Deliveries per minute, last {timeline.minutes.length} minutes:</span>
        {shown.length === 0 && <span> none</span>}
        <ul className="legend">
          {shown.map((status) => (
            <li key={status} data-status={status}>
              <span className="swatch" style={{ background: COLORS[status] }} aria-hidden="true" />
              {status} <strong>{totals[status]}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
