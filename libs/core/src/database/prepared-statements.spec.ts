import { describe, expect, it } from 'vitest';
import { withGenericPlans } from './prepared-statements';

describe('withGenericPlans', () => {
  const generic = '-c plan_cache_mode=force_generic_plan';

  it('adds the startup option to the connection string, which pg reads over the config keys', () => {
    const config = withGenericPlans({ connectionString: 'postgres://u:p%40ss@127.0.0.1:5432/herald', max: 20 });
    const url = new URL(config.connectionString!);
    expect(url.searchParams.get('options')).toBe(generic);
    expect([url.username, decodeURIComponent(url.password), url.host, url.pathname]).toEqual([
      'u',
      'p@ss',
      '127.0.0.1:5432',
      '/herald',
    ]);
    expect(config.max).toBe(20);
  });

  it('keeps the options the connection string already has', () => {
    const config = withGenericPlans({ connectionString: 'postgres://u@db/herald?options=-c%20search_path%3Dherald' });
    expect(new URL(config.connectionString!).searchParams.get('options')).toBe(`-c search_path=herald ${generic}`);
  });

  it('sets the options key when there is no connection string', () => {
    expect(withGenericPlans({ host: 'db', options: '-c work_mem=8MB' }).options).toBe(`-c work_mem=8MB ${generic}`);
    expect(withGenericPlans({ host: 'db' }).options).toBe(generic);
  });
});
