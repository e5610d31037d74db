import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp } from '../../test/renderApp';

describe('Imports', () => {
  it('lists every import with its outcome and counts', async () => {
    const backend = new FakeBackend();
    backend.imports = [
      {
        id: 'imp-2',
        kind: 'customer_users',
        file: 'buyers.csv',
        actor: 'admin',
        startedAt: '2026-03-02T10:00:00Z',
        finishedAt: '2026-03-02T10:00:02Z',
        mode: 'all_or_nothing',
        outcome: 'rolled_back',
        counts: { read: 3, added: 0, updated: 0, replaced: 0, unchanged: 0, errors: 1 },
      },
      {
        id: 'imp-1',
        kind: 'customer_user_addresses',
        file: 'addresses.csv',
        actor: 'amanda',
        startedAt: '2026-03-01T10:00:00Z',
        finishedAt: '2026-03-01T10:00:01Z',
        mode: 'valid_rows_only',
        outcome: 'imported',
        counts: { read: 1200, added: 1000, updated: 150, replaced: 0, unchanged: 49, errors: 1 },
      },
    ];
    renderApp('/imports', { backend });
    const table = await screen.findByRole('table', { name: 'Imports' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent(
      /buyers\.csv.*Customer users.*All or nothing.*admin.*Nothing written/,
    );
    expect(rows[1]).toHaveTextContent(
      /addresses\.csv.*Addresses.*Valid rows only.*amanda.*Imported/,
    );
    expect(rows[1]).toHaveTextContent(/1,200.*1,000.*150.*0.*49.*1/);
  });

  it('says when there are none', async () => {
    renderApp('/imports');
    expect(
      await screen.findByText('No imports yet. Import a file from the Customer Users grid.'),
    ).toBeInTheDocument();
  });
});
