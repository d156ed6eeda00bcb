import { describe, expect, it } from 'vitest';
import { listUnsubscribeHeaders } from './list-unsubscribe';

describe('listUnsubscribeHeaders', () => {
  it('gives the URL, then the mailto, and the one-click marker', () => {
    expect(
      listUnsubscribeHeaders({
        url: 'https://herald.example.com/v1/unsubscribe/abc.def',
        mailto: 'mailto:unsubscribe@example.com?subject=unsubscribe%20abc.def',
      }),
    ).toEqual({
      'List-Unsubscribe':
        '<https://herald.example.com/v1/unsubscribe/abc.def>, <mailto:unsubscribe@example.com?subject=unsubscribe%20abc.def>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(listUnsubscribeHeaders({ url: 'https://h/v1/unsubscribe/t' })).toEqual({
      'List-Unsubscribe': '<https://h/v1/unsubscribe/t>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('gives no header for an email without unsubscribe targets', () => {
    expect(listUnsubscribeHeaders(undefined)).toEqual({});
  });
});
