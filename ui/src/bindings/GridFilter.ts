// Hand-written from docs/api.md until ts-rs generates this file.
export type GridFilter = {
  customerName?: string;
  customerNameEq?: string;
  firstName?: string;
  firstNameEq?: string;
  lastName?: string;
  lastNameEq?: string;
  email?: string;
  emailEq?: string;
  roles?: string;
  enabled?: boolean;
  confirmed?: boolean;
  isGuest?: boolean;
  authStatus?: 'active' | 'reset';
  customerId?: string;
  websiteId?: string;
  createdFrom?: string;
  createdTo?: string;
  updatedFrom?: string;
  updatedTo?: string;
};
