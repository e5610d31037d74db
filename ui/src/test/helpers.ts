import { screen, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';

/** The helper/error text shown under an input. */
export const messageUnder = (input: HTMLElement) => {
  const root = input.closest('.MuiFormControl-root') as HTMLElement;
  return (root.querySelector('.MuiFormHelperText-root')?.textContent ?? '').replace(/\u200b/g, '');
};

/** Creates a choice field in System › Customer User Fields, whose screen is shown. */
export async function createChoiceField(
  user: UserEvent,
  { label, name, choices }: { label: string; name: string; choices: string[] },
) {
  await user.click(await screen.findByRole('button', { name: 'Create field' }));
  const dialog = await screen.findByRole('dialog', { name: 'Create customer user field' });
  await user.type(within(dialog).getByLabelText('Label'), label);
  await user.type(within(dialog).getByLabelText('Name'), name);
  await user.click(within(dialog).getByLabelText('Kind'));
  await user.click(await screen.findByRole('option', { name: 'Choice' }));
  for (const [i, choice] of choices.entries()) {
    await user.click(within(dialog).getByRole('button', { name: 'Add choice' }));
    await user.type(within(dialog).getByLabelText(`Choice ${i + 1}`), choice);
  }
  await user.click(within(dialog).getByRole('button', { name: 'Save' }));
}
