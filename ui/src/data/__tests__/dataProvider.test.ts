import { describe, expect, it } from 'vitest';
import { mockIPC } from '@tauri-apps/api/mocks';
import { FakeBackend } from '../../dev/fakeBackend';
import { createDataProvider, toGridFilter } from '../dataProvider';

const list = (
  dp: ReturnType<typeof createDataProvider>,
  page: number,
  extra: { filter?: Record<string, unknown>; perPage?: number; order?: 'ASC' | 'DESC' } = {},
) =>
  dp.getList('customer-users', {
    pagination: { page, perPage: extra.perPage ?? 3 },
    sort: { field: 'lastName', order: extra.order ?? 'ASC' },
    filter: extra.filter ?? {},
  });

const emails = (rows: { email?: string }[]) => rows.map((r) => r.email);

describe('dataProvider keyset paging', () => {
  it('maps page numbers to cursors: page 2 sends page 1’s nextCursor, page 1 sends none', async () => {
    const backend = new FakeBackend({ users: 7 }).install();
    const dp = createDataProvider();

    const page1 = await list(dp, 1);
    expect(emails(page1.data)).toEqual([
      'user1@example.com',
      'user2@example.com',
      'user3@example.com',
    ]);
    expect(page1.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    expect(page1.total).toBeUndefined();
    const first = backend.callsOf('list_customer_users')[0].query as Record<string, unknown>;
    expect(first.after ?? null).toBeNull();
    expect(first).toMatchObject({ pageSize: 3, sort: { field: 'lastName', order: 'ASC' } });

    const page2 = await list(dp, 2);
    expect(emails(page2.data)).toEqual([
      'user4@example.com',
      'user5@example.com',
      'user6@example.com',
    ]);
    expect(page2.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true });
    const second = backend.callsOf('list_customer_users')[1].query as Record<string, unknown>;
    expect(second.after).toBe('cu-0003');

    const page3 = await list(dp, 3);
    expect(emails(page3.data)).toEqual(['user7@example.com']);
    expect(page3.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    expect((backend.callsOf('list_customer_users')[2].query as { after: string }).after).toBe(
      'cu-0006',
    );

    const back = await list(dp, 1);
    expect(emails(back.data)).toEqual(emails(page1.data));
    const fourth = backend.callsOf('list_customer_users')[3].query as Record<string, unknown>;
    expect(fourth.after ?? null).toBeNull();
    expect(fourth.before ?? null).toBeNull();
    expect(backend.callsOf('list_customer_users')).toHaveLength(4);
  });

  it('keeps cursors per sort, filter and page size', async () => {
    const backend = new FakeBackend({ users: 7 }).install();
    const dp = createDataProvider();
    await list(dp, 1);
    await list(dp, 2);
    // Another sort: page 2 has no known cursor, so page 1 is fetched first to learn it.
    const calls = () =>
      backend.callsOf('list_customer_users').map((c) => c.query as Record<string, unknown>);
    const desc = await list(dp, 2, { order: 'DESC' });
    expect(
      calls()
        .slice(2)
        .map((q) => q.after ?? null),
    ).toEqual([null, 'cu-0005']);
    expect(emails(desc.data)).toEqual([
      'user4@example.com',
      'user3@example.com',
      'user2@example.com',
    ]);
    // Back to the first signature: its page-2 cursor is still cached.
    await list(dp, 2);
    expect(calls().at(-1)?.after).toBe('cu-0003');
    // A different page size is a different signature.
    await list(dp, 1, { perPage: 5 });
    expect(calls().at(-1)?.after ?? null).toBeNull();
  });

  it('walks forward when asked for a page it has no cursor for (restored list state)', async () => {
    const backend = new FakeBackend({ users: 7 }).install();
    const dp = createDataProvider();
    const page3 = await list(dp, 3);
    expect(emails(page3.data)).toEqual(['user7@example.com']);
    expect(
      backend
        .callsOf('list_customer_users')
        .map((c) => (c.query as { after?: string }).after ?? null),
    ).toEqual([null, 'cu-0003', 'cu-0006']);
  });

  it('maps filters: contains / equals keys, Yes-No selects, quick search, blanks dropped', () => {
    expect(
      toGridFilter({
        q: '  acme ',
        firstName: 'Am',
        lastNameEq: 'Cole',
        email: '  ',
        enabled: 'true',
        isGuest: 'false',
        confirmed: '',
        authStatus: 'reset',
        websiteId: 'web-1',
        unknown: 'x',
      }),
    ).toEqual({
      q: 'acme',
      filter: {
        firstName: 'Am',
        lastNameEq: 'Cole',
        enabled: true,
        isGuest: false,
        authStatus: 'reset',
        websiteId: 'web-1',
      },
    });
  });
});

describe('dataProvider errors and writes', () => {
  it('turns validation errors into react-admin body.errors keyed by field path', async () => {
    mockIPC(() => {
      throw {
        code: 'validation',
        message: 'The customer user is not valid.',
        fields: [
          { field: 'email', message: 'This email is already used.' },
          { field: 'addresses.0.city', message: 'This value should not be blank.' },
        ],
      };
    });
    const dp = createDataProvider();
    await expect(dp.create('customer-users', { data: { firstName: 'A' } })).rejects.toMatchObject({
      message: 'This email is already used. This value should not be blank.',
      status: 422,
      body: {
        errors: {
          email: 'This email is already used.',
          'addresses.0.city': 'This value should not be blank.',
          root: { serverError: 'The customer user is not valid.' },
        },
      },
    });
  });

  it('keeps the message of other errors for the notification', async () => {
    mockIPC(() => {
      throw { code: 'conflict', message: 'The customer user owns records.', fields: [] };
    });
    const dp = createDataProvider();
    const error = await dp.delete('customer-users', { id: 'x' }).catch((e) => e);
    expect(error.message).toBe('The customer user owns records.');
    expect(error.status).toBe(409);
    expect(error.body.errors).toBeUndefined();
  });

  it('sends only the changed keys on update', async () => {
    const backend = new FakeBackend({ users: 1 }).install();
    const dp = createDataProvider();
    const { data: previous } = await dp.getOne('customer-users', { id: 'cu-0001' });
    const { recordToInput } = await import('../../customerUsers/formValues');
    const next = { ...recordToInput(previous), firstName: 'Changed', middleName: '  ' };
    await dp.update('customer-users', { id: 'cu-0001', data: next, previousData: previous });
    expect(backend.callsOf('update_customer_user')).toEqual([
      { id: 'cu-0001', patch: { firstName: 'Changed' } },
    ]);
  });
});
