import type { ReactNode } from 'react';
import { Collapse, List, ListItemButton, ListItemIcon, ListItemText } from '@mui/material';
import BusinessIcon from '@mui/icons-material/Business';
import CloudSyncIcon from '@mui/icons-material/CloudSync';
import DnsIcon from '@mui/icons-material/Dns';
import DescriptionIcon from '@mui/icons-material/Description';
import DynamicFormIcon from '@mui/icons-material/DynamicForm';
import ExpandLess from '@mui/icons-material/ExpandLess';
import ExpandMore from '@mui/icons-material/ExpandMore';
import LoginIcon from '@mui/icons-material/Login';
import UploadFileIcon from '@mui/icons-material/UploadFile';
import OutboxIcon from '@mui/icons-material/Outbox';
import ManageAccountsIcon from '@mui/icons-material/ManageAccounts';
import PeopleIcon from '@mui/icons-material/People';
import PolicyIcon from '@mui/icons-material/Policy';
import SecurityIcon from '@mui/icons-material/Security';
import SettingsIcon from '@mui/icons-material/Settings';
import SettingsApplicationsIcon from '@mui/icons-material/SettingsApplications';
import {
  AppBar,
  Layout,
  LoadingIndicator,
  Menu,
  TitlePortal,
  ToggleThemeButton,
  useSidebarState,
  useStore,
} from 'react-admin';
import { CapabilitiesGate } from '../backOffice/capabilities';
import { useUserChangesFromOtherWindows } from '../customerUsers/page/otherWindows';
import { CurrentAdminGate, CurrentAdminLabel } from './CurrentAdmin';
import { KeyboardShortcuts } from './KeyboardShortcuts';
import { ReadOnlyBanner } from './StoreInfo';
import { SyncIndicator } from './Sync';

/** A collapsible menu group, e.g. "Customers" holding "Customer Users" (Oro's main menu). */
const MenuGroup = ({
  id,
  label,
  icon,
  children,
}: {
  id: string;
  label: string;
  icon: ReactNode;
  children: ReactNode;
}) => {
  const [open, setOpen] = useStore(`menu.${id}.open`, true);
  const [sidebarOpen] = useSidebarState();
  return (
    <>
      <ListItemButton onClick={() => setOpen(!open)} aria-expanded={open} dense sx={{ py: 0.75 }}>
        <ListItemIcon sx={{ minWidth: 40 }}>{icon}</ListItemIcon>
        {sidebarOpen ? <ListItemText primary={label} /> : null}
        {open ? <ExpandLess fontSize="small" /> : <ExpandMore fontSize="small" />}
      </ListItemButton>
      <Collapse in={open || !sidebarOpen} timeout="auto" unmountOnExit>
        <List disablePadding sx={{ pl: sidebarOpen ? 2 : 0 }} aria-label={label}>
          {children}
        </List>
      </Collapse>
    </>
  );
};

export const AppMenu = () => (
  <Menu>
    <MenuGroup id="customers" label="Customers" icon={<BusinessIcon />}>
      <Menu.Item to="/customer-users" primaryText="Customer Users" leftIcon={<PeopleIcon />} />
      <Menu.Item
        to="/customer-user-roles"
        primaryText="Customer User Roles"
        leftIcon={<SecurityIcon />}
      />
    </MenuGroup>
    <MenuGroup id="system" label="System" icon={<SettingsApplicationsIcon />}>
      <Menu.Item to="/back-office-users" primaryText="Users" leftIcon={<ManageAccountsIcon />} />
      <Menu.Item to="/settings" primaryText="Settings" leftIcon={<SettingsIcon />} />
      <Menu.Item
        to="/email-templates"
        primaryText="Email Templates"
        leftIcon={<DescriptionIcon />}
      />
      <Menu.Item to="/outbox" primaryText="Email Outbox" leftIcon={<OutboxIcon />} />
      <Menu.Item to="/consents" primaryText="Consents" leftIcon={<PolicyIcon />} />
      <Menu.Item
        to="/customer-user-fields"
        primaryText="Customer User Fields"
        leftIcon={<DynamicFormIcon />}
      />
      <Menu.Item to="/login-attempts" primaryText="Login Attempts" leftIcon={<LoginIcon />} />
      <Menu.Item to="/imports" primaryText="Imports" leftIcon={<UploadFileIcon />} />
      <Menu.Item to="/server" primaryText="Server" leftIcon={<DnsIcon />} />
      <Menu.Item to="/sync" primaryText="Sync" leftIcon={<CloudSyncIcon />} />
    </MenuGroup>
  </Menu>
);

const AppToolbar = () => (
  <>
    <KeyboardShortcuts />
    <ToggleThemeButton />
    <LoadingIndicator />
  </>
);

const AppAppBar = () => (
  <AppBar toolbar={<AppToolbar />} userMenu={false}>
    <TitlePortal />
    <CurrentAdminLabel />
    <SyncIndicator />
  </AppBar>
);

export const AppLayout = ({ children }: { children: ReactNode }) => {
  useUserChangesFromOtherWindows();
  return (
    // minWidth 0 lets the content shrink beside the sidebar: wide grids scroll in their card.
    <Layout
      menu={AppMenu}
      appBar={AppAppBar}
      sx={{ minWidth: 0, '& .RaLayout-content': { minWidth: 0 } }}
    >
      {/* Above every page, the gate's included: a read-only file shows so wherever one looks. */}
      <ReadOnlyBanner />
      <CurrentAdminGate>
        <CapabilitiesGate>{children}</CapabilitiesGate>
      </CurrentAdminGate>
    </Layout>
  );
};
