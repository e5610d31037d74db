import { describe, expect, it } from 'vitest';
import { NAME_PARTS, PLAIN_VALUE_FIELDS, WRITABLE_FIELDS, fieldLabel } from '../fieldTable';

describe('the field table', () => {
  it('labels a field as the core declares it', () => {
    expect(fieldLabel('email')).toBe('Email Address');
    expect(fieldLabel('isGuest')).toBe('Guest');
    expect(fieldLabel('authStatus')).toBe('Password');
    expect(fieldLabel('userRoles')).toBe('Roles');
  });

  it('gives the lists the UI once spelled by hand, in their order', () => {
    expect(NAME_PARTS).toEqual(['namePrefix', 'firstName', 'middleName', 'lastName', 'nameSuffix']);
    expect(PLAIN_VALUE_FIELDS).toEqual([...NAME_PARTS, 'email', 'birthday']);
    expect(WRITABLE_FIELDS).toEqual([
      ...PLAIN_VALUE_FIELDS,
      'enabled',
      'confirmed',
      'isGuest',
      'customer',
      'website',
      'preferredLocalization',
      'owner',
      'userRoles',
      'salesRepresentatives',
      'addresses',
      'extra',
    ]);
  });
});
