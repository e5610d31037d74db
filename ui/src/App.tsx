import { useMemo } from 'react';
import { QueryClient } from '@tanstack/react-query';
import PeopleIcon from '@mui/icons-material/People';
import SecurityIcon from '@mui/icons-material/Security';
import { Admin, CustomRoutes, Resource, type Store } from 'react-admin';
import { Route } from 'react-router-dom';
import { Consents } from './admin/Consents';
import { CustomerUserFields } from './admin/CustomerUserFields';
import { EmailTemplates } from './admin/EmailTemplates';
import { LoginAttempts } from './admin/LoginAttempts';
import { Imports } from './admin/Imports';
import { Outbox } from './admin/Outbox';
import { Server } from './admin/Server';
import { Settings } from './admin/Settings';
import { Sync } from './admin/Sync';
import { darkTheme, lightTheme } from './app/theme';
import { BackOfficeUsers } from './backOffice/BackOfficeUsers';
import { i18nProvider } from './app/i18n';
import { CustomerUserCreate } from './customerUsers/CustomerUserCreate';
import { CustomerUserEdit } from './customerUsers/CustomerUserEdit';
import { CustomerUserList } from './customerUsers/CustomerUserList';
import { CustomerUserShow } from './customerUsers/CustomerUserShow';
import { QuickWindow } from './customerUsers/page/QuickWindow';
import { RelatedRecordShow } from './customerUsers/page/RelatedRecordShow';
import { fullName } from './customerUsers/fields';
import { createDataProvider, CUSTOMER_USER_ROLES, type AppDataProvider } from './data/dataProvider';
import { AppLayout } from './layout/Layout';
import { RoleCreate } from './roles/RoleCreate';
import { RoleEdit } from './roles/RoleEdit';
import { RoleList } from './roles/RoleList';
import { RoleShow } from './roles/RoleShow';

export const createQueryClient = () =>
  new QueryClient({
    // Commands are local and deterministic: retrying a failure only delays the error state.
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });

export interface AppProps {
  store: Store;
  dataProvider?: AppDataProvider;
  queryClient?: QueryClient;
}

export const App = ({ store, dataProvider, queryClient }: AppProps) => {
  const provider = useMemo(() => dataProvider ?? createDataProvider(), [dataProvider]);
  const client = useMemo(() => queryClient ?? createQueryClient(), [queryClient]);
  return (
    <Admin
      title="Customer Users"
      dataProvider={provider}
      store={store}
      queryClient={client}
      i18nProvider={i18nProvider}
      theme={lightTheme}
      darkTheme={darkTheme}
      layout={AppLayout}
      disableTelemetry
    >
      <Resource
        name="customer-users"
        options={{ label: 'Customer Users' }}
        icon={PeopleIcon}
        list={CustomerUserList}
        show={CustomerUserShow}
        create={CustomerUserCreate}
        edit={CustomerUserEdit}
        recordRepresentation={(r) => fullName(r) || String(r.email ?? r.id)}
      />
      <Resource
        name={CUSTOMER_USER_ROLES}
        options={{ label: 'Customer User Roles' }}
        icon={SecurityIcon}
        list={RoleList}
        show={RoleShow}
        create={RoleCreate}
        edit={RoleEdit}
        recordRepresentation="label"
      />
      <Resource name="customers" recordRepresentation="name" />
      <Resource name="websites" recordRepresentation="name" />
      <Resource name="roles" recordRepresentation="label" />
      <Resource name="users" recordRepresentation="name" />
      <Resource name="localizations" recordRepresentation="name" />
      <CustomRoutes>
        <Route path="/settings" element={<Settings />} />
        <Route path="/email-templates" element={<EmailTemplates />} />
        <Route path="/consents" element={<Consents />} />
        <Route path="/customer-user-fields" element={<CustomerUserFields />} />
        <Route path="/outbox" element={<Outbox />} />
        <Route path="/login-attempts" element={<LoginAttempts />} />
        <Route path="/imports" element={<Imports />} />
        <Route path="/server" element={<Server />} />
        <Route path="/sync" element={<Sync />} />
        <Route path="/back-office-users" element={<BackOfficeUsers />} />
        <Route path="/customer-users/:userId/related/:kind/:id" element={<RelatedRecordShow />} />
      </CustomRoutes>
      <CustomRoutes noLayout>
        {/* A quick action's form in a window of its own: no menu, no app bar. */}
        <Route path="/customer-users/:id/quick/:form" element={<QuickWindow />} />
      </CustomRoutes>
    </Admin>
  );
};
