import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const row = (table: HTMLElement, consent: string) =>
  within(table)
    .getAllByRole('row')
    .find((r) => within(r).queryByText(consent))!;

describe('The consents of the view page', () => {
  it('accepts and withdraws a consent; a mandatory one cannot be withdrawn', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001/show');
    const table = await screen.findByRole('table', { name: 'Consents' });

    const newsletter = row(table, 'Newsletter');
    expect(newsletter).toHaveTextContent('Not accepted');
    await user.click(within(newsletter).getByRole('button', { name: 'Accept' }));
    const acceptedAt = backend.userPage.accepted.get('cu-0001 consent-newsletter')!;
    expect(await within(newsletter).findByText(/^Accepted /)).toHaveTextContent(
      new Date(acceptedAt).toLocaleString(),
    );
    await user.click(within(newsletter).getByRole('button', { name: 'Withdraw' }));
    expect(await within(newsletter).findByText('Not accepted')).toBeInTheDocument();
    expect(backend.callsOf('withdraw_consent')).toEqual([
      { user: 'cu-0001', consent: 'consent-newsletter' },
    ]);

    const terms = row(table, 'Terms and Conditions');
    expect(within(terms).getByText('Mandatory')).toBeInTheDocument();
    await user.click(within(terms).getByRole('button', { name: 'Accept' }));
    const withdraw = await within(terms).findByRole('button', { name: 'Withdraw' });
    expect(withdraw).toBeDisabled();
    expect(withdraw.parentElement).toHaveAccessibleDescription(
      'A mandatory consent cannot be withdrawn.',
    );
  });

  it('shows a refused change in an alert', async () => {
    const backend = new FakeBackend();
    backend.failures.set('accept_consent', apiError('conflict', 'The consent was deleted.'));
    const user = setupUser();
    renderApp('/customer-users/cu-0001/show', { backend });
    const table = await screen.findByRole('table', { name: 'Consents' });
    await user.click(within(row(table, 'Newsletter')).getByRole('button', { name: 'Accept' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The consent was deleted.');
    expect(row(table, 'Newsletter')).toHaveTextContent('Not accepted');
  });
});
