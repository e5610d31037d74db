// Hand-written from docs/api.md until ts-rs generates this file.
export type CustomerUserRow = {
  id: string;
  customerName: string;
  firstName: string;
  lastName: string;
  email: string;
  enabled: boolean;
  confirmed: boolean;
  isGuest: boolean;
  authStatus: 'active' | 'reset';
  websiteName: string;
  roles: string;
  createdAt: string;
  updatedAt: string;
};
