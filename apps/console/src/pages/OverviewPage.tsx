import { useEffect } from 'react';
import { api } from '../api';
import { DeliveryChart } from '../components/DeliveryChart';
import { ErrorText, TableWrap, TitleRow, useLoad } from '../components/ui';
import { CHANNELS, DELIVERY_STATUSES, DeliveryTimeline, NOTIFICATION_STATUSES, Stats } from '../types';

const REFRESH_MS = 15_000;

export function OverviewPage() {
  const { data, error, reload } = useLoad(
    () =>
      Promise.all([
        api<Stats>('/v1/admin/stats'),
        api<DeliveryTimeline>('/v1/admin/stats/deliveries-per-minute', { query: { minutes: 60 } }),
      ]),
    [],
  );
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  });
  const [stats, timeline] = data ?? [];

  return (
    <section>
      <TitleRow title="Overview" onRefresh={reload} />
      <ErrorText>{error}</ErrorText>
      {timeline && <DeliveryChart timeline={timeline} />}
      {stats && (
        <div className="cards">
          <article className="card">
            <h2>Notifications</h2>
            <dl className="counts" aria-label="Notifications by status">
              {NOTIFICATION_STATUSES.map((status) => (
                <div key={status} data-status={status}>
                  <dt>{status.replace('_', ' ')}</dt>
                  <dd>{stats.notifications[status]}</dd>
                </div>
              ))}
            </dl>
          </article>
          <article className="card">
            <h2>Queues</h2>
            {stats.queues ? (
              <TableWrap label="Queue depths">
                <thead>
                  <tr>
                    <th scope="col">queue</th>
                    <th scope="col">waiting</th>
                    <th scope="col">active</th>
                    <th scope="col">delayed</th>
                    <th scope="col">failed</th>
                  </tr>
                </thead>
                <tbody>
                  {CHANNELS.map((channel) => (
                    <tr key={channel}>
                      <th scope="row">{channel}</th>
                      <td>{stats.queues![channel].waiting}</td>
                      <td>{stats.queues![channel].active}</td>
                      <td>{stats.queues![channel].delayed}</td>
                      <td>{stats.queues![channel].failed}</td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            ) : (
              <ErrorText>Queue counts unavailable: {stats.queuesError}</ErrorText>
            )}
          </article>
          <article className="card wide">
            <h2>Deliveries by channel</h2>
            <TableWrap label="Deliveries by channel and status">
              <thead>
                <tr>
                  <th scope="col">channel</th>
                  {DELIVERY_STATUSES.map((status) => (
                    <th scope="col" key={status}>
                      {status}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {CHANNELS.map((channel) => (
                  <tr key={channel}>
                    <th scope="row">{channel}</th>
                    {DELIVERY_STATUSES.map((status) => (
                      <td key={status}>{stats.deliveries[channel][status]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          </article>
        </div>
      )}
    </section>
  );
}
