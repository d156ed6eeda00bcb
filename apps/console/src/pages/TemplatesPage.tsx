import { FormEvent, useState } from 'react';
import { api } from '../api';
import { ErrorText, TableWrap, Time, useLoad } from '../components/ui';
import { Link, navigate } from '../router';
import type { TemplateView } from '../types';

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function TemplatesPage() {
  const { data, error } = useLoad(() => api<{ items: TemplateView[] }>('/v1/admin/templates'), []);
  const [key, setKey] = useState('');
  const create = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/templates/${encodeURIComponent(key)}`);
  };

  return (
    <section>
      <h1>Templates</h1>
      <form className="inline-form" onSubmit={create}>
        <label htmlFor="new-template-key">New template key</label>
        <input
          id="new-template-key"
          value={key}
          pattern={KEY.source}
          placeholder="order.shipped"
          required
          onChange={(event) => setKey(event.target.value)}
        />
        <button type="submit" disabled={!KEY.test(key)}>
          Create
        </button>
      </form>
      <ErrorText>{error}</ErrorText>
      {data && (
        <TableWrap label="Templates">
          <thead>
            <tr>
              <th scope="col">key</th>
              <th scope="col">name</th>
              <th scope="col">channels</th>
              <th scope="col">version</th>
              <th scope="col">updated</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((template) => (
              <tr key={template.key}>
                <td>
                  <Link to={`/templates/${encodeURIComponent(template.key)}`}>{template.key}</Link>
                </td>
                <td>{template.name}</td>
                <td>{Object.keys(template.channels).join(', ')}</td>
                <td>{template.version}</td>
                <td>
                  <Time value={template.updatedAt} />
                </td>
              </tr>
            ))}
            {data.items.length === 0 && (
              <tr>
                <td colSpan={5}>No templates yet.</td>
              </tr>
            )}
          </tbody>
        </TableWrap>
      )}
    </section>
  );
}
