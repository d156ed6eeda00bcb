import { useState } from 'react';
import { api } from '../api';
import { useCursorList } from '../components/cursor-list';
import { ErrorText, Fact, TableWrap, useLoad } from '../components/ui';
import { Link, navigate } from '../router';
import type { Page, TopicView } from '../types';

const TOPICS_PAGE = 50;
const SUBSCRIBERS_PAGE = 50;

/** The topics in key order, a page at a time, and a topic looked up by key (one far down the list). */
export function TopicsPage() {
  const [key, setKey] = useState('');
  const topics = useCursorList(
    (cursor) => api<Page<TopicView>>('/v1/topics', { query: { limit: TOPICS_PAGE, cursor } }),
    [],
  );
  return (
    <section>
      <h1>Topics</h1>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`/topics/${encodeURIComponent(key.trim())}`);
        }}
      >
        <label htmlFor="topic-key">Topic key</label>
        <input id="topic-key" required value={key} onChange={(event) => setKey(event.target.value)} />
        <button type="submit">Look up</button>
      </form>
      <p className="hint">A send with {'"to": { "topic": key }'} makes one notification per subscriber.</p>
      <ErrorText>{topics.error}</ErrorText>
      {topics.items && (
        <TableWrap label="Topics">
          <thead>
            <tr>
              <th scope="col">key</th>
              <th scope="col">name</th>
              <th scope="col">subscribers</th>
            </tr>
          </thead>
          <tbody>
            {topics.items.map((topic) => (
              <tr key={topic.key} data-id={topic.key}>
                <td>
                  <Link to={`/topics/${encodeURIComponent(topic.key)}`}>{topic.key}</Link>
                </td>
                <td>{topic.name}</td>
                <td>{topic.subscriberCount}</td>
              </tr>
            ))}
            {topics.items.length === 0 && (
              <tr>
                <td colSpan={3}>No topics yet.</td>
              </tr>
            )}
          </tbody>
        </TableWrap>
      )}
      {topics.next && (
        <button type="button" onClick={topics.more}>
          Load more topics
        </button>
      )}
    </section>
  );
}

/** A topic and its subscribers, in recipient id order, a page at a time. */
export function TopicPage({ topicKey }: { topicKey: string }) {
  const path = `/v1/topics/${encodeURIComponent(topicKey)}`;
  const { data, error } = useLoad(() => api<TopicView>(path), [path]);
  const subscribers = useCursorList(
    (cursor) =>
      api<Page<{ recipientId: string }>>(`${path}/subscribers`, { query: { limit: SUBSCRIBERS_PAGE, cursor } }),
    [path],
  );
  return (
    <section>
      <p className="crumbs">
        <Link to="/topics">Topics</Link> / {topicKey}
      </p>
      <h1>Topic {topicKey}</h1>
      <ErrorText>{error}</ErrorText>
      {data && (
        <dl className="facts">
          <Fact label="Name">{data.name}</Fact>
          <Fact label="Subscribers" field="subscriberCount">
            {data.subscriberCount}
          </Fact>
        </dl>
      )}
      {data && (
        <>
          <h2>Subscribers</h2>
          <ErrorText>{subscribers.error}</ErrorText>
          {subscribers.items && (
            <TableWrap label="Subscribers">
              <thead>
                <tr>
                  <th scope="col">recipient</th>
                </tr>
              </thead>
              <tbody>
                {subscribers.items.map(({ recipientId }) => (
                  <tr key={recipientId} data-id={recipientId}>
                    <td>
                      <Link to={`/recipients/${encodeURIComponent(recipientId)}`}>{recipientId}</Link>
                    </td>
                  </tr>
                ))}
                {subscribers.items.length === 0 && (
                  <tr>
                    <td>No subscriber yet.</td>
                  </tr>
                )}
              </tbody>
            </TableWrap>
          )}
          {subscribers.next && (
            <button type="button" onClick={subscribers.more}>
              Load more subscribers
            </button>
          )}
        </>
      )}
    </section>
  );
}
