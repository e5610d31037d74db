import polyglotI18nProvider from 'ra-i18n-polyglot';
import englishMessages from 'ra-language-english';

/** English messages, with Oro's wording for this resource. */
const messages = {
  ...englishMessages,
  resources: {
    'customer-users': {
      name: 'Customer User |||| Customer Users',
      notifications: {
        created: 'Customer User has been saved',
        updated: 'Customer User has been saved',
        deleted: 'Customer User deleted',
      },
    },
    'customer-user-roles': {
      name: 'Customer User Role |||| Customer User Roles',
      notifications: {
        created: 'Customer User Role has been saved',
        updated: 'Customer User Role has been saved',
        deleted: 'Customer User Role deleted',
      },
    },
    customers: { name: 'Customer |||| Customers' },
    websites: { name: 'Website |||| Websites' },
    roles: { name: 'Role |||| Roles' },
    users: { name: 'User |||| Users' },
    localizations: { name: 'Localization |||| Localizations' },
  },
};

export const i18nProvider = polyglotI18nProvider(() => messages, 'en', [
  { locale: 'en', name: 'English' },
]);
