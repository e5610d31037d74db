/**
 * An in-memory stand-in for the Rust commands of docs/api.md, for component tests (through
 * `mockIPC`) and for `npm run dev` in a plain browser. It is not the product: the rules here
 * are only those the UI needs to exercise its paths.
 */
import { mockIPC } from '@tauri-apps/api/mocks';
import type { Action } from '../bindings/Action';
import type { AddressInput } from '../bindings/AddressInput';
import type { ApiError } from '../bindings/ApiError';
import type { BackOfficeCapability } from '../bindings/BackOfficeCapability';
import type { BackOfficeRole } from '../bindings/BackOfficeRole';
import type { BackOfficeRoleInput } from '../bindings/BackOfficeRoleInput';
import type { BackOfficeUser } from '../bindings/BackOfficeUser';
import type { BulkAction } from '../bindings/BulkAction';
import type { BulkSummary } from '../bindings/BulkSummary';
import type { ChangeRecord } from '../bindings/ChangeRecord';
import type { CommandName, Commands } from '../bindings/commands';
import type { EmailTemplate } from '../bindings/EmailTemplate';
import type { LoginAttempt } from '../bindings/LoginAttempt';
import type { OutboxMessage } from '../bindings/OutboxMessage';
import type { Setting } from '../bindings/Setting';
import type { Customer } from '../bindings/Customer';
import type { CustomerUser } from '../bindings/CustomerUser';
import type { CustomerUserInput } from '../bindings/CustomerUserInput';
import type { CustomerUserPatch } from '../bindings/CustomerUserPatch';
import type { CustomerUserRow } from '../bindings/CustomerUserRow';
import type { Effective } from '../bindings/Effective';
import type { Entity } from '../bindings/Entity';
import type { GridQuery } from '../bindings/GridQuery';
import type { ImportChoice } from '../bindings/ImportChoice';
import type { ImportKind } from '../bindings/ImportKind';
import type { ImportRecord } from '../bindings/ImportRecord';
import type { ImportReport } from '../bindings/ImportReport';
import type { Level } from '../bindings/Level';
import type { Localization } from '../bindings/Localization';
import type { Page } from '../bindings/Page';
import type { PermissionCatalog } from '../bindings/PermissionCatalog';
import type { Ref } from '../bindings/Ref';
import type { RelatedKind } from '../bindings/RelatedKind';
import type { Role } from '../bindings/Role';
import type { RoleInput } from '../bindings/RoleInput';
import type { RoleQuery } from '../bindings/RoleQuery';
import type { RoleRef } from '../bindings/RoleRef';
import type { SyncView } from '../bindings/SyncView';
import type { User } from '../bindings/User';
import type { Website } from '../bindings/Website';
import { PLAIN_VALUE_FIELDS, WRITABLE_FIELDS } from '../customerUsers/fieldTable';
import {
  COUNTRIES,
  countryRegionProblems,
  FakeUserPage,
  RELATED_KINDS,
  storedCountryRegion,
} from './fakeUserPage';
import { FakeActivity } from './fakeActivity';
import { apiError, idMaker, now } from './fakeCommon';
import {
  createConsent,
  deleteConsent,
  hasAccepted,
  listConsents,
  updateConsent,
} from './fakeConsents';
import { FakeExtraFields, type ExtraValues } from './fakeExtraFields';

/** The keys an update may carry, as the core's field table declares them. */
const WRITABLE = new Set([
  ...WRITABLE_FIELDS,
  'newCustomer',
  'password',
  'passwordConfirm',
  'generatePassword',
]);

/** A command as it was called: its arguments as JSON (a channel becomes its id). */
export type Call = { cmd: CommandName; args: Record<string, unknown> | undefined };
/**
 * What a command may be handed: its generated arguments (`bindings/commands.ts`), any of them
 * possibly missing, since over IPC nothing checks them before the command reads them.
 */
type Args<K extends CommandName> = Partial<Commands[K]['args']> | undefined;
/** One command and its arguments: `switch (cmd)` narrows `args` to that command's. */
type Request = { [K in CommandName]: { cmd: K; args: Args<K> } }[CommandName];

const newId = idMaker();

// The tests make their refusals with it too.
export { apiError };

export function toRow(
  u: CustomerUser,
  orders: Pick<CustomerUserRow, 'orders' | 'lastOrder'> = { orders: 0, lastOrder: null },
): CustomerUserRow {
  return {
    id: u.id,
    customerName: u.customer.name,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    enabled: u.enabled,
    confirmed: u.confirmed,
    isGuest: u.isGuest,
    authStatus: u.authStatus,
    websiteName: u.website?.name ?? '',
    roles: u.userRoles
      .map((r) => r.label)
      .sort()
      .join(', '),
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    ...orders,
    extra: { ...u.extra },
  };
}

/** Commands that change data: refused while no back-office user acts in the window. */
const CHANGES = new Set<CommandName>([
  'create_customer_user',
  'update_customer_user',
  'delete_customer_user',
  'set_customer_user_enabled',
  'confirm_customer_user',
  'resend_confirmation',
  'reset_password',
  'revoke_reset',
  'unlock_customer_user',
  'bulk_action',
  'import_customer_users',
  'retry_message',
  'deliver_outbox',
  'set_setting',
  'set_smtp_password',
  'update_email_template',
  'restore_email_template',
  'create_customer_user_role',
  'update_customer_user_role',
  'delete_customer_user_role',
  'set_back_office_user_role',
  'create_back_office_role',
  'update_back_office_role',
  'delete_back_office_role',
  'add_customer_user_address',
  'update_customer_user_address',
  'delete_customer_user_address',
  'accept_consent',
  'withdraw_consent',
  'create_related_record',
  'add_note',
  'update_note',
  'delete_note',
  'add_event',
  'update_event',
  'delete_event',
  'create_consent',
  'update_consent',
  'delete_consent',
  'create_customer_user_field',
  'update_customer_user_field',
  'delete_customer_user_field',
]);

/** What each command needs of the current admin's back-office role, as the core requires it. */
const REQUIRES: Partial<Record<CommandName, BackOfficeCapability[]>> = {
  create_customer_user: ['manage_customer_users'],
  update_customer_user: ['manage_customer_users'],
  delete_customer_user: ['manage_customer_users'],
  set_customer_user_enabled: ['manage_customer_users'],
  confirm_customer_user: ['manage_customer_users'],
  resend_confirmation: ['manage_customer_users'],
  reset_password: ['reset_passwords'],
  revoke_reset: ['reset_passwords'],
  unlock_customer_user: ['unlock'],
  import_customer_users: ['import_export', 'manage_customer_users'],
  export_customer_users: ['import_export'],
  set_setting: ['manage_settings'],
  update_email_template: ['manage_settings'],
  restore_email_template: ['manage_settings'],
  create_customer_user_role: ['manage_roles'],
  update_customer_user_role: ['manage_roles'],
  delete_customer_user_role: ['manage_roles'],
  create_back_office_user: ['manage_back_office_users'],
  set_back_office_user_role: ['manage_back_office_users'],
  create_back_office_role: ['manage_back_office_users'],
  update_back_office_role: ['manage_back_office_users'],
  delete_back_office_role: ['manage_back_office_users'],
  add_customer_user_address: ['manage_customer_users'],
  update_customer_user_address: ['manage_customer_users'],
  delete_customer_user_address: ['manage_customer_users'],
  accept_consent: ['manage_customer_users'],
  withdraw_consent: ['manage_customer_users'],
  create_related_record: ['manage_customer_users'],
  add_note: ['manage_customer_users'],
  update_note: ['manage_customer_users'],
  delete_note: ['manage_customer_users'],
  add_event: ['manage_customer_users'],
  update_event: ['manage_customer_users'],
  delete_event: ['manage_customer_users'],
  create_consent: ['manage_settings'],
  update_consent: ['manage_settings'],
  delete_consent: ['manage_settings'],
  create_customer_user_field: ['manage_settings'],
  update_customer_user_field: ['manage_settings'],
  delete_customer_user_field: ['manage_settings'],
};

/** The core's catalog (`permission::catalog`), labels and all. */
export const PERMISSION_CATALOG: PermissionCatalog = {
  entities: (
    [
      ['customer', 'Customer', ['view', 'edit']],
      ['customer_address', 'Customer Address', ['view', 'create', 'edit', 'delete']],
      ['customer_user', 'Customer User', ['view', 'create', 'edit', 'delete', 'assign']],
      ['customer_user_address', 'Customer User Address', ['view', 'create', 'edit', 'delete']],
      ['customer_user_role', 'Customer User Role', ['view', 'create', 'edit', 'delete']],
      ['order', 'Order', ['view', 'create', 'edit']],
      ['quote', 'Quote', ['view', 'edit']],
      ['request_for_quote', 'Request For Quote', ['view', 'create', 'edit']],
      ['shopping_list', 'Shopping List', ['view', 'create', 'edit', 'delete', 'assign']],
      ['checkout', 'Checkout', ['view', 'create', 'edit', 'delete']],
    ] as [Entity, string, Action[]][]
  ).map(([entity, label, actions]) => ({ entity, label, actions })),
  actions: [
    { value: 'view', label: 'View' },
    { value: 'create', label: 'Create' },
    { value: 'edit', label: 'Edit' },
    { value: 'delete', label: 'Delete' },
    { value: 'assign', label: 'Assign' },
  ],
  levels: [
    { value: 'none', label: 'None' },
    { value: 'user', label: 'User (Own)' },
    { value: 'department', label: 'Department (Same Level)' },
    { value: 'corporate', label: 'Corporate (All Levels)' },
  ],
  capabilities: [
    { value: 'update_own_profile', label: 'Update User Profile' },
    { value: 'manage_customer_users', label: "Manage the users of one's own customer" },
    { value: 'manage_customer_roles', label: "Manage the roles of one's own customer" },
    { value: 'view_login_attempts', label: 'View customer user login attempts' },
    { value: 'publish_grid_views', label: 'Publish grid views' },
  ],
  backOfficeCapabilities: [
    { value: 'manage_customer_users', label: 'Manage customer users' },
    { value: 'manage_roles', label: 'Manage customer user roles' },
    { value: 'reset_passwords', label: 'Reset passwords' },
    { value: 'unlock', label: 'Unlock' },
    { value: 'import_export', label: 'Import / export' },
    { value: 'manage_settings', label: 'Manage settings and templates' },
    { value: 'login_as_customer_user', label: 'Log in as customer user' },
    { value: 'manage_back_office_users', label: 'Manage back-office users and their roles' },
  ],
};

const LEVELS: Level[] = PERMISSION_CATALOG.levels.map((l) => l.value);
const ALL_BACK_OFFICE = PERMISSION_CATALOG.backOfficeCapabilities.map((c) => c.value);

/** Every action of every entity at `level`, as the predefined Administrator has it. */
const everythingAt = (level: Level): Role['permissions'] =>
  Object.fromEntries(
    PERMISSION_CATALOG.entities.map((e) => [
      e.entity,
      Object.fromEntries(e.actions.map((a) => [a, level])),
    ]),
  );

const levelOf = (role: Role, entity: Entity, action: Action): Level =>
  role.permissions[entity]?.[action] ?? 'none';

export const toRoleRef = (role: Role): RoleRef => ({
  id: role.id,
  role: role.role,
  label: role.label,
  customerId: role.customer?.id ?? null,
});

/** A role as the fake stores it: `users` is counted from the customer users when asked. */
const seededRole = (
  id: string,
  label: string,
  customer: Ref | null,
  permissions: Role['permissions'],
  capabilities: Role['capabilities'] = [],
): Role => ({
  id,
  role: `ROLE_FRONTEND_${label.toUpperCase().replace(/[^A-Z0-9_-]/g, '_')}`,
  label,
  predefined: customer === null,
  customer,
  selfManaged: false,
  public: true,
  permissions,
  capabilities,
  users: 0 as unknown as Role['users'],
});

/** The built-in back-office Administrator: everything, whatever its list says. */
export const ADMINISTRATOR_ROLE = 'bo-role-admin';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The client's refusal of plain HTTP to another machine (`check_url`). */
export const PLAIN_HTTP_REFUSAL =
  'Plain http:// would send the password and every record unencrypted: use https://, or pass --insecure-http if this network is private.';
/** The team server's answer to a wrong e-mail or password. */
export const BAD_CREDENTIALS = 'The e-mail or the password is wrong, or the account is disabled.';

/** A store that has never been signed in to a team server. */
export const signedOutSyncView = (): SyncView => ({
  state: 'signedOut',
  status: {
    server: null,
    admin: null,
    joined: null,
    pending: 0,
    refused: [],
    waiting: [],
    lastSync: null,
    lastError: null,
    cursor: 0,
  },
  received: null,
  decision: null,
});

/** Also refused on a read-only store: they write the store too, though they change no data. */
const STORE_WRITES = new Set<CommandName>(['set_current_admin', 'create_back_office_user']);

function setting(
  key: string,
  label: string,
  kind: string,
  value: boolean | number | string,
  min: number | null = null,
  max: number | null = null,
  choices: string[] = [],
): Setting {
  return { key, label, kind, value, default: value, min, max, choices } as Setting;
}

export class FakeBackend {
  calls: Call[] = [];
  /** The error lines the fake import finds in a file (two rows, none failing by default). */
  importErrors: Record<string, string[]> = {};
  /**
   * While set, `import_customer_users` answers only once this settles: a run in progress, for
   * tests to look at the dialog meanwhile. `cancel_import` ends a waiting run as the app's does.
   */
  importGate: Promise<unknown> | null = null;
  private cancelWaitingImport: (() => void) | null = null;
  imports: ImportRecord[] = [];
  uiState: Record<string, unknown> = {};
  users: User[] = [
    { id: 'user-admin', username: 'admin', name: 'John Doe', email: 'admin@example.com' },
    { id: 'user-amanda', username: 'amanda', name: 'Amanda Cole', email: 'amanda@example.com' },
    { id: 'user-brenda', username: 'brenda', name: 'Brenda Sanders', email: 'brenda@example.com' },
  ];
  localizations: Localization[] = [
    { id: 'loc-en', name: 'English (United States)', code: 'en_US' },
    { id: 'loc-de', name: 'German (Germany)', code: 'de_DE' },
    { id: 'loc-fr', name: 'French (France)', code: 'fr_FR' },
  ];
  roles: Role[] = [
    seededRole('role-admin', 'Administrator', null, everythingAt('corporate'), [
      'update_own_profile',
      'manage_customer_users',
    ]),
    seededRole(
      'role-buyer',
      'Buyer',
      null,
      { customer: { view: 'department' }, order: { view: 'user', create: 'user' } },
      ['update_own_profile'],
    ),
    seededRole(
      'role-acme-approver',
      'Acme Approver',
      { id: 'cust-acme', name: 'Acme Corp' },
      { order: { view: 'department', edit: 'department' } },
    ),
  ];
  /** Back-office roles; the first is the built-in Administrator. */
  backOfficeRoles: { id: string; label: string; capabilities: BackOfficeCapability[] }[] = [
    { id: ADMINISTRATOR_ROLE, label: 'Administrator', capabilities: [] },
    {
      id: 'bo-role-sales',
      label: 'Sales',
      capabilities: ['manage_customer_users', 'import_export'],
    },
  ];
  /** Each back-office user's back-office role (id); everyone starts as an Administrator. */
  backOfficeRoleOf: Record<string, string> = {};
  org: Ref = { id: 'org-1', name: 'ORO' };
  websites: Website[] = [
    {
      id: 'web-default',
      name: 'Default',
      url: 'https://shop.example.com',
      localizations: [
        { id: 'loc-en', name: 'English (United States)' },
        { id: 'loc-de', name: 'German (Germany)' },
      ],
      defaultRole: toRoleRef(this.roles[1]),
      guestRole: null,
      organization: this.org,
    },
    {
      id: 'web-eu',
      name: 'Europe',
      url: 'https://eu.example.com',
      localizations: [{ id: 'loc-fr', name: 'French (France)' }],
      defaultRole: toRoleRef(this.roles[1]),
      guestRole: null,
      organization: this.org,
    },
  ];
  customers: Customer[] = [
    {
      id: 'cust-acme',
      name: 'Acme Corp',
      parent: null,
      path: 'Acme Corp',
      salesRepresentatives: [{ id: 'user-amanda', name: 'Amanda Cole' }],
    },
    {
      id: 'cust-globex',
      name: 'Globex',
      parent: null,
      path: 'Globex',
      salesRepresentatives: [{ id: 'user-brenda', name: 'Brenda Sanders' }],
    },
  ];
  customerUsers: CustomerUser[] = [];
  /** Addresses one at a time, consents and related records of the user's full page. */
  userPage = new FakeUserPage(this);
  /** Notes and events, with the outbox's e-mails, of the user's timeline. */
  activity = new FakeActivity(this);
  /** The organization's own customer user fields; each user's values are in its `extra`. */
  extraFields = new FakeExtraFields();
  history: ChangeRecord[] = [];
  outbox: OutboxMessage[] = [];
  loginAttempts: LoginAttempt[] = [];
  smtpPassword: string | null = null;
  settings: Setting[] = [
    setting('confirmationRequired', 'Confirmation Required', 'bool', true),
    setting('resetLinkTtl', 'Reset Link Lifetime (seconds)', 'int', 86400, 60, 31536000),
    setting('passwordMinLength', 'Minimal Password Length', 'int', 8, 1, 128),
    setting('lockoutMaxAttempts', 'Max Login Attempts', 'int', 10, 1, 1000),
    setting('smtpHost', 'SMTP Host', 'text', ''),
    setting('smtpEncryption', 'SMTP Encryption', 'choice', 'starttls', null, null, [
      'starttls',
      'tls',
      'none',
    ]),
    setting('smtpUsername', 'SMTP Username', 'text', ''),
    setting('quickActionsDisplay', 'Quick Actions Display', 'choice', 'dialog', null, null, [
      'in_place',
      'dialog',
      'window',
    ]),
  ];
  templates: EmailTemplate[] = [
    {
      name: 'customer_user_force_reset_password',
      subject: 'Please reset your password',
      content: 'Hello, {{ entity.fullName }}!\n\nReset Password:\n{{ resetUrl }}\n',
      link: 'reset',
      customized: false,
      updatedAt: null,
    },
    {
      name: 'customer_user_confirmation_email',
      subject: 'Confirmation of account registration',
      content: 'Hello, {{ entity.fullName }}!\n\n{{ confirmUrl }}\n',
      link: 'confirmation',
      customized: false,
      updatedAt: null,
    },
  ];
  /**
   * The id of the back-office user acting in the window (`current_admin`); `null` until one is
   * chosen. Starts as `admin` (John Doe) unless the constructor is told otherwise.
   */
  currentAdminId: string | null;
  /** Commands to fail with an error, checked before the command runs. */
  failures = new Map<CommandName, ApiError>();
  /** The database file `store_info` names. */
  storePath = '/home/admin/.local/share/customer-users/customer-users.db';
  /**
   * A file this user cannot write (`store_info`'s `readOnly`): every change is refused with the
   * core's message, reading works. Set it, or pass `readOnly: true` to the constructor.
   */
  readOnly = false;
  generatedPassword = 'Gen3ratedPw';
  /**
   * The team server sync as `sync_status` answers it: signed out at start. Tests set its
   * `state` (`offline`, `syncing` with `received`, …), `decision`, `status.refused` or
   * `status.waiting` to show those.
   */
  sync: SyncView = signedOutSyncView();
  /**
   * Set, signing in to a team not joined yet stops at `needsDecision` with this text, as for
   * a desktop with records of its own joining a team that has some.
   */
  joinDecision: string | null = null;
  /** Set, the team server takes only this password (any other is refused); else any. */
  serverPassword: string | null = null;

  /**
   * `users`: how many customer users to seed (3). `currentAdmin`: the username (or id) of the
   * back-office user acting at start, as the app's `--as`; `null` starts with nobody chosen, so
   * the app asks "Who is working here?". Defaults to `admin`. `readOnly`: the store is one
   * this user cannot write (false); `storePath`: the file `store_info` names.
   */
  constructor(
    options: {
      users?: number;
      currentAdmin?: string | null;
      readOnly?: boolean;
      storePath?: string;
    } = {},
  ) {
    const n = options.users ?? 3;
    this.readOnly = options.readOnly ?? false;
    if (options.storePath) this.storePath = options.storePath;
    const admin = options.currentAdmin === undefined ? 'admin' : options.currentAdmin;
    if (admin === null) {
      this.currentAdminId = null;
    } else {
      const found = this.backOfficeUser(admin);
      if (!found) throw new Error(`FakeBackend: no back-office user "${admin}".`);
      this.currentAdminId = found.id;
    }
    const first = ['Amanda', 'Brandon', 'Carla', 'Daniel', 'Emma', 'Frank', 'Grace', 'Henry'];
    const last = ['Cole', 'Dunn', 'Evans', 'Ford', 'Gray', 'Hill', 'Irwin', 'Jones'];
    for (let i = 0; i < n; i++) {
      const customer = this.customers[i % 2];
      const id = `cu-${String(i + 1).padStart(4, '0')}`;
      const t = new Date(Date.UTC(2026, 0, 1 + i)).toISOString();
      this.customerUsers.push({
        id,
        namePrefix: null,
        firstName: first[i % first.length],
        middleName: null,
        lastName: `${last[i % last.length]}${i >= last.length ? i : ''}`,
        nameSuffix: null,
        email: `user${i + 1}@example.com`,
        birthday: null,
        enabled: i % 3 !== 2,
        confirmed: true,
        isGuest: false,
        authStatus: i % 2 === 1 ? 'reset' : 'active',
        hasPassword: true,
        // JSON carries a number; ts-rs types the u64 as bigint.
        loginCount: i as unknown as CustomerUser['loginCount'],
        lastLogin: null,
        passwordChangedAt: null,
        passwordRequestedAt: null,
        resetLinkExpiresAt: null,
        confirmationLinkExpiresAt: null,
        lockedAt: null,
        lockedUntil: null,
        customer: { id: customer.id, name: customer.name },
        website: { id: 'web-default', name: 'Default' },
        preferredLocalization: null,
        owner: { id: 'user-admin', name: 'John Doe' },
        organization: this.org,
        userRoles: [toRoleRef(this.roles[1])],
        salesRepresentatives: customer.salesRepresentatives,
        addresses: [],
        createdAt: t,
        updatedAt: t,
        extra: {},
      });
    }
  }

  install() {
    // Any name may come over IPC; one not in the map falls to `handle`'s "not found".
    mockIPC((cmd, args) => this.handle(cmd as CommandName, args as Args<CommandName>));
    return this;
  }

  private importFile(path: string, mode: ImportChoice, kind: ImportKind): ImportReport {
    const errors = this.importErrors[path] ?? [];
    const read = 2;
    const failed = errors.length;
    const check = mode === 'checkOnly';
    const written = mode === 'validRowsOnly' || (mode === 'allOrNothing' && failed === 0);
    const counts = {
      read,
      added: read - failed,
      updated: 0,
      replaced: 0,
      unchanged: 0,
      errors: failed,
    };
    const message = check
      ? `${failed === 0 ? 'The file is ready to import.' : `${failed} row${failed === 1 ? ' has' : 's have'} errors.`} Read: ${read}, to add: ${read - failed}, to update: 0, replacing earlier rows: 0, unchanged: 0, errors: ${failed}.`
      : written
        ? `Import finished. Read: ${read}, added: ${read - failed}, updated: 0, replaced: 0, unchanged: 0, errors: ${failed}.`
        : `Nothing was imported: ${failed} rows have errors. Read: ${read}, errors: ${failed}.`;
    const file = path.split('/').pop() ?? path;
    const validRowsOnly = mode === 'validRowsOnly';
    const recordMode = validRowsOnly ? 'valid_rows_only' : 'all_or_nothing';
    const id = check ? null : newId('import');
    if (id) {
      this.imports.unshift({
        id,
        kind,
        file,
        actor: this.actor(),
        startedAt: now(),
        finishedAt: now(),
        mode: recordMode,
        outcome: written ? 'imported' : 'rolled_back',
        counts,
      });
    }
    return {
      kind,
      file,
      mode: check ? 'check_only' : recordMode,
      counts,
      written,
      importId: written ? id : null,
      errors,
      rejects: validRowsOnly && failed > 0 ? '/home/admin/users-errors.csv' : null,
      message,
    };
  }

  callsOf(cmd: CommandName) {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args ?? {});
  }

  handle<K extends CommandName>(cmd: K, args: Args<K>): unknown {
    this.calls.push({ cmd, args: args ? JSON.parse(JSON.stringify(args)) : undefined });
    return this.run({ cmd, args } as Request);
  }

  private run({ cmd, args }: Request): unknown {
    const failure = this.failures.get(cmd);
    if (failure) throw failure;
    if (
      this.readOnly &&
      (CHANGES.has(cmd) || STORE_WRITES.has(cmd)) &&
      !(cmd === 'import_customer_users' && args?.mode === 'checkOnly')
    )
      throw apiError(
        'storage',
        `${this.storePath} is read-only: it can be looked at and exported, not changed.`,
      );
    if (
      CHANGES.has(cmd) &&
      !this.currentAdmin() &&
      !(cmd === 'import_customer_users' && args?.mode === 'checkOnly')
    )
      throw apiError(
        'conflict',
        'Choose who you are first: no back-office user is acting in this window.',
      );
    // Work on nobody's request (`system`, before anyone is chosen) needs no capability.
    const admin = this.currentAdmin();
    const missing =
      admin && (REQUIRES[cmd] ?? []).find((c) => !this.capabilitiesOf(admin).includes(c));
    if (admin && missing) throw this.forbidden(admin, missing);
    switch (cmd) {
      case 'get_ui_state':
        return { ...this.uiState };
      case 'set_ui_state': {
        const key = String(args?.key);
        if (args?.value === null || args?.value === undefined) delete this.uiState[key];
        else this.uiState[key] = args.value;
        return null;
      }
      case 'first_page_shown':
        return null;
      case 'store_info':
        return { path: this.storePath, readOnly: this.readOnly };
      case 'list_customer_users':
        return this.list(args?.query ?? {});
      case 'get_customer_user':
        // A copy, as the real command's JSON is: react-query keeps an unchanged reference.
        // An `emailWarning` is the core's to work out: here only a test sets one.
        return structuredClone(this.find(String(args?.id)));
      case 'create_customer_user':
        return this.create(args?.input as CustomerUserInput);
      case 'update_customer_user':
        return this.update(String(args?.id), args?.patch as CustomerUserPatch);
      case 'delete_customer_user': {
        const user = this.find(String(args?.id));
        this.customerUsers = this.customerUsers.filter((u) => u.id !== user.id);
        this.log(user.id, 'delete', {});
        return null;
      }
      case 'set_customer_user_enabled': {
        const user = this.find(String(args?.id));
        const enabled = !!args?.enabled;
        if (enabled && user.userRoles.length === 0) {
          throw apiError(
            'validation',
            'Please select at least one role before you enable the customer user.',
            [
              {
                field: 'userRoles',
                message: 'Please select at least one role before you enable the customer user.',
              },
            ],
          );
        }
        this.log(user.id, 'update', { enabled: [user.enabled, enabled] });
        user.enabled = enabled;
        user.updatedAt = now();
        return user;
      }
      case 'customer_user_history': {
        const id = String(args?.id);
        return this.history.filter((h) => h.entityId === id).reverse();
      }
      case 'generate_password':
        return this.generatedPassword;
      case 'list_customers': {
        const q = typeof args?.q === 'string' ? args.q.toLowerCase() : '';
        const limit = typeof args?.limit === 'number' ? args.limit : 50;
        return this.customers.filter((c) => c.name.toLowerCase().includes(q)).slice(0, limit);
      }
      case 'get_customers': {
        const ids = args?.ids ?? [];
        return this.customers.filter((c) => ids.includes(c.id));
      }
      case 'list_websites':
        return this.websites;
      case 'list_localizations':
        return this.localizations;
      case 'list_users':
        return this.users.map((u) => ({ ...u }));
      case 'current_admin': {
        const admin = this.currentAdmin();
        return admin ? { ...admin } : null;
      }
      case 'set_current_admin': {
        const key = String(args?.id ?? '');
        const admin = this.backOfficeUser(key);
        if (!admin)
          throw apiError('not_found', `No enabled back-office user has the username "${key}".`);
        this.currentAdminId = admin.id;
        return { ...admin };
      }
      case 'create_back_office_user':
        return { ...this.createBackOfficeUser((args?.input ?? {}) as Record<string, unknown>) };
      case 'list_roles': {
        const customer = args?.customer ?? null;
        return this.roles
          .filter((r) => r.customer === null || r.customer.id === customer)
          .map(toRoleRef);
      }
      case 'confirm_customer_user':
        return this.account(String(args?.id), (u) => {
          if (u.confirmed) throw apiError('conflict', `${u.email} is confirmed already.`);
          u.confirmed = true;
          this.queue(u, 'customer_user_welcome_email_registered_by_admin', 'Welcome');
        });
      case 'resend_confirmation':
        return this.account(String(args?.id), (u) => {
          if (u.confirmed) throw apiError('conflict', `${u.email} is confirmed already.`);
          this.queue(u, 'customer_user_confirmation_email', 'Confirmation of account registration');
        });
      case 'reset_password':
        return this.account(String(args?.id), (u) => {
          if (!u.enabled)
            throw apiError(
              'conflict',
              `${u.email} is disabled: enable the customer user before resetting the password.`,
            );
          u.authStatus = 'reset';
          this.queue(u, 'customer_user_force_reset_password', 'Please reset your password');
        });
      case 'revoke_reset':
        return this.account(String(args?.id), (u) => {
          u.authStatus = 'active';
          u.resetLinkExpiresAt = null;
        });
      case 'unlock_customer_user':
        return this.account(String(args?.id), (u) => {
          if (u.authStatus !== 'locked') throw apiError('conflict', `${u.email} is not locked.`);
          u.authStatus = 'active';
          u.lockedAt = null;
          u.lockedUntil = null;
        });
      case 'export_customer_users': {
        const query = (args?.query ?? {}) as GridQuery;
        const n = this.list({ ...query, pageSize: 100_000 } as GridQuery).rows.length;
        return {
          exported: n,
          message: `${n} customer ${n === 1 ? 'user was' : 'users were'} exported.`,
        };
      }
      case 'cancel_export':
        return null;
      case 'pick_import_file':
        return '/home/admin/users.csv';
      case 'import_customer_users': {
        const kind = args?.kind === 'customer_user_addresses' ? args.kind : 'customer_users';
        const report = () =>
          this.importFile(args?.path as string, args?.mode as ImportChoice, kind);
        if (!this.importGate) return report();
        const cancelled = new Promise<never>((_, reject) => {
          this.cancelWaitingImport = () =>
            reject(apiError('conflict', 'The import was cancelled. Nothing was written.'));
        });
        return Promise.race([this.importGate.then(report), cancelled]).finally(() => {
          this.cancelWaitingImport = null;
        });
      }
      case 'cancel_import':
        this.cancelWaitingImport?.();
        return null;
      case 'list_imports':
        return this.imports.map((i) => ({ ...i }));
      case 'save_import_template':
        return '/home/admin/customer-users-template.csv';
      case 'bulk_action':
        return this.bulk(args?.action as BulkAction, args?.ids ?? []);
      case 'bulk_role':
        return this.bulkRole(String(args?.role), Boolean(args?.add), args?.ids ?? []);
      // These commands answer with copies, as IPC would: react-query's structural sharing
      // keeps showing the old rows when it is handed the same objects, mutated in place.
      case 'list_outbox': {
        const q = (args?.query ?? {}) as { customerUserId?: string; state?: string };
        return this.outbox
          .filter((m) => !q.customerUserId || m.customerUserId === q.customerUserId)
          .filter((m) => !q.state || m.state === q.state)
          .map((m) => ({ ...m }))
          .reverse();
      }
      case 'retry_message': {
        const m = this.outbox.find((x) => x.id === args?.id);
        if (!m) throw apiError('not_found', 'Message not found.');
        m.state = 'queued';
        m.attempts = 0 as unknown as OutboxMessage['attempts'];
        return { ...m };
      }
      case 'deliver_outbox': {
        const host = this.settings.find((x) => x.key === 'smtpHost')?.value;
        if (!host)
          throw apiError('validation', 'smtpHost: SMTP is not configured.', [
            {
              field: 'smtpHost',
              message: 'SMTP is not configured: set the SMTP host in Settings.',
            },
          ]);
        const due = this.outbox.filter((m) => m.state === 'queued');
        for (const m of due) {
          m.state = 'sent';
          m.sentAt = now();
        }
        return { sent: due.length, retrying: 0, failed: 0, cancelled: 0 };
      }
      case 'list_login_attempts': {
        const q = (args?.query ?? {}) as {
          user?: string;
          success?: boolean;
          from?: string;
          to?: string;
        };
        return this.loginAttempts
          .filter(
            (a) =>
              (!q.user || a.customerUserId === q.user || a.username.includes(q.user)) &&
              (q.success === undefined || q.success === null || a.success === q.success) &&
              (!q.from || a.at >= q.from) &&
              (!q.to || a.at <= q.to),
          )
          .sort((a, b) => b.at.localeCompare(a.at));
      }
      case 'list_settings':
        return this.settings.map((x) => ({ ...x }));
      case 'set_setting': {
        const s = this.settings.find((x) => x.key === args?.key);
        if (!s)
          throw apiError('validation', 'No such setting.', [
            { field: 'key', message: 'No such setting.' },
          ]);
        if (
          s.kind === 'int' &&
          (typeof args?.value !== 'number' ||
            (s.min !== null && args.value < s.min) ||
            (s.max !== null && args.value > s.max))
        )
          throw apiError('validation', `${s.key}: out of range`, [
            { field: s.key, message: `This value should be between ${s.min} and ${s.max}.` },
          ]);
        s.value = args?.value as Setting['value'];
        return { ...s };
      }
      case 'smtp_password_saved':
        return this.smtpPassword !== null;
      case 'set_smtp_password':
        this.smtpPassword = args?.password || null;
        return null;
      case 'list_email_templates':
        return this.templates.map((x) => ({ ...x }));
      case 'update_email_template': {
        const t = this.templates.find((x) => x.name === args?.name);
        if (!t) throw apiError('not_found', 'Email template not found.');
        if (String(args?.content).includes('{% if %}'))
          throw apiError('validation', 'content: syntax error', [
            { field: 'content', message: 'syntax error: unexpected end of input (line 1)' },
          ]);
        t.subject = String(args?.subject);
        t.content = String(args?.content);
        t.customized = true;
        t.updatedAt = now();
        return { ...t };
      }
      case 'restore_email_template': {
        const t = this.templates.find((x) => x.name === args?.name);
        if (!t) throw apiError('not_found', 'Email template not found.');
        const seeded = new FakeBackend({ users: 0 }).templates.find((x) => x.name === t.name);
        Object.assign(t, seeded, { updatedAt: now() });
        return { ...t };
      }
      case 'sync_status':
        return structuredClone(this.sync);
      case 'server_sign_in':
        return this.serverSignIn(args ?? {});
      case 'server_sign_out':
        // The tokens are forgotten; every record, the outbox and the joined team stay.
        this.sync.state = 'signedOut';
        this.sync.status.server = null;
        this.sync.status.admin = null;
        this.sync.received = null;
        this.sync.decision = null;
        return structuredClone(this.sync);
      case 'sync_now': {
        // The fake's sync is instant: the team has nothing new, and takes what is pending.
        const { state } = this.sync;
        if (state === 'needsDecision' && args?.replaceLocal) {
          // The team's records replace this desktop's: the fake's team has these same ones.
          this.sync.decision = null;
          this.sync.status.joined = this.sync.status.server;
        }
        if (state === 'signedOut' || state === 'signInAgain' || this.sync.decision)
          return structuredClone(this.sync);
        this.sync.state = 'upToDate';
        this.sync.received = null;
        this.sync.status.pending = 0;
        this.sync.status.lastSync = now();
        this.sync.status.lastError = null;
        return structuredClone(this.sync);
      }
      case 'sync_retry': {
        // Sent again, and taken this time.
        this.refusedChange(args?.seq);
        this.sync.status.refused = this.sync.status.refused.filter(
          (c) => c.seq !== Number(args?.seq),
        );
        return structuredClone(this.sync);
      }
      case 'sync_discard': {
        this.refusedChange(args?.seq);
        if (!this.sync.status.server)
          throw apiError('unauthorized', 'Sign in to the team server first.');
        this.sync.status.refused = this.sync.status.refused.filter(
          (c) => c.seq !== Number(args?.seq),
        );
        return structuredClone(this.sync);
      }
      case 'preview_email_template': {
        const broken = (['subject', 'content'] as const).filter((field) =>
          String(args?.[field]).includes('{% if %}'),
        );
        if (broken.length)
          throw apiError(
            'validation',
            'The template does not render.',
            broken.map((field) => ({
              field,
              message: 'syntax error: unexpected end of input (line 1)',
            })),
          );
        const fill = (text: unknown) =>
          String(text)
            .replace(/\{\{\s*entity\.fullName\s*\}\}/g, 'Amanda Cole')
            .replace(
              /\{\{\s*\w+Url\s*\}\}/g,
              'https://store.example.com/customer/user/reset?token=TOKEN',
            );
        return { subject: fill(args?.subject), body: fill(args?.content), link: null };
      }
      case 'permission_catalog':
        return structuredClone(PERMISSION_CATALOG);
      case 'list_customer_user_roles':
        return this.listRoles(args?.query ?? { desc: false });
      case 'get_customer_user_role':
        return this.roleView(this.role(String(args?.id)));
      case 'create_customer_user_role':
        return this.roleView(this.createRole(args?.input ?? {}));
      case 'update_customer_user_role':
        return this.roleView(this.updateRole(String(args?.id), args?.input ?? {}));
      case 'delete_customer_user_role':
        this.deleteRole(String(args?.id));
        return null;
      case 'customer_user_permissions':
        return this.effective(this.find(String(args?.id)));
      case 'list_back_office_users':
        return this.users.map((u) => this.backOfficeUserView(u));
      case 'set_back_office_user_role':
        return this.setBackOfficeRole(String(args?.user), String(args?.role));
      case 'list_back_office_roles':
        return this.backOfficeRoles.map((r) => this.backOfficeRoleView(r));
      case 'create_back_office_role':
        return this.backOfficeRoleView(this.writeBackOfficeRole(null, args?.input ?? {}));
      case 'update_back_office_role':
        return this.backOfficeRoleView(
          this.writeBackOfficeRole(String(args?.id), args?.input ?? {}),
        );
      case 'delete_back_office_role':
        this.deleteBackOfficeRole(String(args?.id));
        return null;
      case 'list_countries':
        return structuredClone(COUNTRIES);
      case 'list_regions':
        return structuredClone(this.userPage.regionsOf(String(args?.country)));
      case 'add_customer_user_address':
        return this.userPage.addAddress(String(args?.user), args?.input as AddressInput);
      case 'update_customer_user_address':
        return this.userPage.updateAddress(String(args?.id), args?.input as AddressInput);
      case 'delete_customer_user_address':
        return this.userPage.deleteAddress(String(args?.id));
      case 'customer_user_consents':
        return this.userPage.consentStatuses(String(args?.id));
      case 'accept_consent':
      case 'withdraw_consent':
        return this.userPage.setConsent(
          String(args?.user),
          String(args?.consent),
          cmd === 'accept_consent',
        );
      case 'related_kinds':
        return structuredClone(RELATED_KINDS);
      case 'list_related_records':
        return this.userPage.listRelated(String(args?.user), args?.kind as RelatedKind);
      case 'get_related_record':
        return this.userPage.getRelated(args?.kind as RelatedKind, String(args?.id));
      case 'create_related_record':
        return this.userPage.createRelated(
          String(args?.user),
          args?.kind as RelatedKind,
          args?.input ?? {},
        );
      case 'open_window':
        this.userPage.windows.push({ path: String(args?.path), title: String(args?.title) });
        return null;
      case 'customer_user_activity':
        return this.activity.list(String(args?.id), args?.kinds);
      case 'add_note':
        return this.activity.addNote(String(args?.user), args?.input ?? {});
      case 'update_note':
        return this.activity.updateNote(String(args?.id), args?.input ?? {});
      case 'delete_note':
        this.activity.delete(String(args?.id), 'note');
        return null;
      case 'add_event':
        return this.activity.addEvent(String(args?.user), args?.input ?? {});
      case 'update_event':
        return this.activity.updateEvent(String(args?.id), args?.input ?? {});
      case 'delete_event':
        this.activity.delete(String(args?.id), 'event');
        return null;
      case 'list_consents':
        return listConsents(this.userPage);
      case 'create_consent':
        return createConsent(this.userPage, args?.input ?? {});
      case 'update_consent':
        return updateConsent(this.userPage, String(args?.id), args?.input ?? {});
      case 'delete_consent':
        deleteConsent(this.userPage, String(args?.id));
        return null;
      case 'list_customer_user_fields':
        return this.extraFields.list();
      case 'create_customer_user_field':
        return this.extraFields.create(args?.input ?? {});
      case 'update_customer_user_field':
        return this.extraFields.update(String(args?.id), args?.input ?? {});
      case 'delete_customer_user_field':
        this.extraFields.delete(
          String(args?.id),
          this.customerUsers.map((u) => u.extra),
        );
        return null;
      case 'my_capabilities': {
        const admin = this.currentAdmin();
        if (!admin)
          throw apiError(
            'conflict',
            'Choose who you are first: no back-office user is acting in this window.',
          );
        return this.capabilitiesOf(admin);
      }
      default:
        throw `command ${String(cmd)} not found`;
    }
  }

  /** For `npm run dev`: the organization's own fields, with values, and a timeline. */
  seedExtraDemo() {
    this.extraFields.seedDemo();
    const tiers = ['Gold', 'Silver', 'Bronze'];
    this.customerUsers.slice(0, 12).forEach((user, i) => {
      user.extra = {
        account_tier: tiers[i % 3],
        credit_limit: 5000 * (1 + (i % 4)),
        onboarded: i % 2 === 0,
        contract_date: `2025-${String(1 + (i % 12)).padStart(2, '0')}-15`,
      };
    });
    this.activity.seedDemo(this.customerUsers);
  }

  /** Starts signed in to (and joined with) a team server, up to date: for tests. */
  signedInToServer(server = 'https://team.example.com/', admin = 'admin@example.com') {
    Object.assign(this.sync.status, {
      server,
      admin,
      joined: server,
      lastSync: '2026-03-01T09:30:00Z',
    });
    this.sync.state = 'upToDate';
    return this;
  }

  /** The refused change numbered `seq` (JSON carries a number; ts-rs types it as bigint). */
  private refusedChange(seq: unknown) {
    const found = this.sync.status.refused.find((c) => c.seq === Number(seq));
    if (!found) throw apiError('not_found', `No refused change has the number ${String(seq)}.`);
    return found;
  }

  /**
   * `server_sign_in`: the client's checks of the address and the CA file, then the server's
   * of the credentials. The admin signed in becomes the one acting in the window.
   */
  private serverSignIn(args: Args<'server_sign_in'> & object): SyncView {
    const raw = String(args.url ?? '').trim();
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw apiError('validation', `url: "${raw}" is not a server address.`, [
        { field: 'url', message: `"${raw}" is not a server address: relative URL without a base` },
      ]);
    }
    const scheme = url.protocol.replace(/:$/, '');
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname.toLowerCase());
    if (scheme === 'http' && !loopback && !args.insecureHttp)
      throw apiError('validation', `url: ${PLAIN_HTTP_REFUSAL}`, [
        { field: 'url', message: PLAIN_HTTP_REFUSAL },
      ]);
    if (scheme !== 'http' && scheme !== 'https')
      throw apiError('validation', `url: "${scheme}" is not http or https.`, [
        { field: 'url', message: `"${scheme}" is not http or https.` },
      ]);
    const caFile = args.caFile?.trim();
    if (caFile && !/\.(pem|crt)$/i.test(caFile)) {
      const message = `${caFile} is not a PEM certificate: no certificate found`;
      throw apiError('validation', `caFile: ${message}`, [{ field: 'caFile', message }]);
    }
    const email = String(args.email ?? '').trim();
    const password = String(args.password ?? '');
    if (!email || !password || (this.serverPassword !== null && password !== this.serverPassword))
      throw apiError('unauthorized', BAD_CREDENTIALS);

    let admin = this.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (!admin) {
      admin = { id: newId('user'), username: email.split('@')[0], name: email, email };
      this.users.push(admin);
    }
    this.currentAdminId = admin.id;
    const server = url.href;
    const joining = this.sync.status.joined !== server;
    const decision = joining ? this.joinDecision : null;
    Object.assign(this.sync.status, {
      server,
      admin: email,
      joined: decision ? this.sync.status.joined : server,
      lastError: null,
      lastSync: decision ? this.sync.status.lastSync : now(),
    });
    this.sync.state = decision ? 'needsDecision' : 'upToDate';
    this.sync.decision = decision;
    this.sync.received = null;
    return structuredClone(this.sync);
  }

  // -------------------------------------------------------------------------------------------
  // Customer user roles

  /** The role `key` (id or code). */
  role(key: string): Role {
    const role = this.roles.find((r) => r.id === key || r.role === key);
    if (!role) throw apiError('not_found', `Customer user role "${key}" not found.`);
    return role;
  }

  /** How many customer users hold `role`. */
  holders(role: Role): number {
    return this.customerUsers.filter((u) => u.userRoles.some((r) => r.id === role.id)).length;
  }

  /** A copy as the command answers it, its users counted. */
  roleView(role: Role): Role {
    return { ...structuredClone(role), users: this.holders(role) as unknown as Role['users'] };
  }

  listRoles(query: RoleQuery): Role[] {
    const has = (text: string, part: string | null | undefined) =>
      !part || text.toLowerCase().includes(part.trim().toLowerCase());
    const customer = query.customer
      ? this.customers.find((c) => c.id === query.customer || c.name === query.customer)
      : undefined;
    if (query.customer && !customer)
      throw apiError('not_found', `Customer "${query.customer}" not found.`);
    const rows = this.roles
      .map((r) => this.roleView(r))
      .filter(
        (r) =>
          (!query.q || [r.label, r.role, r.customer?.name ?? ''].some((t) => has(t, query.q))) &&
          has(r.label, query.label) &&
          has(r.role, query.role) &&
          (!customer || r.customer?.id === customer.id) &&
          (query.predefined == null || r.predefined === query.predefined) &&
          (query.selfManaged == null || r.selfManaged === query.selfManaged) &&
          (query.public == null || r.public === query.public),
      );
    const key = query.sort ?? 'label';
    const sortKey: Record<string, (r: Role) => string | number | boolean> = {
      label: (r) => r.label.toLowerCase(),
      role: (r) => r.role.toLowerCase(),
      customer: (r) => r.customer?.name.toLowerCase() ?? '',
      type: (r) => !r.predefined,
      selfManaged: (r) => r.selfManaged,
      public: (r) => r.public,
      users: (r) => Number(r.users),
    };
    const by = sortKey[key];
    if (!by)
      throw apiError('validation', `sort: "${key}" is not a column of the roles grid.`, [
        { field: 'sort', message: `"${key}" is not a column of the roles grid.` },
      ]);
    rows.sort((a, b) => {
      const [x, y] = [by(a), by(b)];
      return x < y ? -1 : x > y ? 1 : a.label.localeCompare(b.label);
    });
    return query.desc ? rows.reverse() : rows;
  }

  /** `input` checked as the role form is: every problem named by its field. */
  private checkedRole(id: string, base: Role, input: RoleInput): Role {
    const fields: ApiError['fields'] = [];
    const label = input.label == null ? base.label : input.label.trim();
    if (!label) fields.push({ field: 'label', message: 'This value should not be blank.' });
    let customer = base.customer;
    if (input.customer != null) {
      const key = input.customer.trim();
      const found = this.customers.find((c) => c.id === key || c.name === key);
      if (key && !found)
        fields.push({ field: 'customer', message: `Customer "${key}" does not exist.` });
      customer = key ? (found ? { id: found.id, name: found.name } : base.customer) : null;
    }
    const permissions: Role['permissions'] = {};
    for (const [entity, actions] of Object.entries(input.permissions ?? base.permissions)) {
      const row = PERMISSION_CATALOG.entities.find((e) => e.entity === entity)!;
      for (const [action, level] of Object.entries(actions ?? {}) as [Action, Level][]) {
        if (level === 'none') continue;
        if (!row.actions.includes(action)) {
          fields.push({
            field: 'permissions',
            message: `${row.label} has no ${action} permission.`,
          });
          continue;
        }
        (permissions[entity as Entity] ??= {})[action] = level;
      }
    }
    const taken = this.roles.some(
      (r) =>
        r.id !== id &&
        (r.customer?.id ?? null) === (customer?.id ?? null) &&
        r.label.toLowerCase() === label.toLowerCase(),
    );
    if (label && taken)
      fields.push({ field: 'label', message: 'Role with this name already exists' });
    if (fields.length) throw apiError('validation', 'The role is not valid.', fields);
    return {
      ...base,
      label,
      customer,
      predefined: customer === null,
      selfManaged: input.selfManaged ?? base.selfManaged,
      public: input.public ?? base.public,
      permissions,
      capabilities: [...new Set(input.capabilities ?? base.capabilities)].sort(),
    };
  }

  createRole(input: RoleInput): Role {
    const id = newId('role');
    const base: Role = { ...seededRole(id, '', null, {}), selfManaged: false, public: true };
    const role = this.checkedRole(id, base, input);
    // The core's code: the label upper-cased and a part of the id, made once.
    const stem = role.label.toUpperCase().replace(/[^\p{L}\p{N}_-]/gu, '_');
    role.role = `ROLE_FRONTEND_${stem}_${id.replace(/\D/g, '').slice(-8)}`;
    this.roles.push(role);
    return role;
  }

  updateRole(key: string, input: RoleInput): Role {
    const before = this.role(key);
    const after = this.checkedRole(before.id, before, input);
    const users = this.holders(before);
    if ((after.customer?.id ?? null) !== (before.customer?.id ?? null) && users > 0)
      throw apiError('validation', 'The role is not valid.', [
        {
          field: 'customer',
          message: `${users} users hold the role "${before.label}": its customer cannot change while anyone holds it.`,
        },
      ]);
    Object.assign(before, after);
    // Its holders show the new label, as the core's trigger copies it onto them.
    for (const u of this.customerUsers)
      u.userRoles = u.userRoles.map((r) => (r.id === before.id ? toRoleRef(before) : r));
    return before;
  }

  deleteRole(key: string) {
    const role = this.role(key);
    const users = this.holders(role);
    if (users > 0)
      throw apiError(
        'conflict',
        `The role "${role.label}" cannot be deleted: ${users} customer user${users === 1 ? '' : 's'} still hold${users === 1 ? 's' : ''} it. Take it from them first.`,
      );
    const website = this.websites.find(
      (w) => w.defaultRole?.id === role.id || w.guestRole?.id === role.id,
    );
    if (website)
      throw apiError(
        'conflict',
        `The role "${role.label}" cannot be deleted: the website "${website.name}" gives it to new users or guests.`,
      );
    this.roles = this.roles.filter((r) => r.id !== role.id);
  }

  /** What `user` may do: every grant of their roles, the widest level winning. */
  effective(user: CustomerUser): Effective {
    const held = this.roles
      .filter((r) => user.userRoles.some((u) => u.id === r.id))
      .sort((a, b) => a.label.localeCompare(b.label));
    const source = (r: Role) => ({ id: r.id, label: r.label });
    const grants: Effective['grants'] = [];
    for (const { entity, actions } of PERMISSION_CATALOG.entities) {
      for (const action of actions) {
        const widest = held
          .map((r) => levelOf(r, entity, action))
          .reduce<Level>((a, b) => (LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a), 'none');
        if (widest === 'none') continue;
        const from = held.filter((r) => levelOf(r, entity, action) === widest).map(source);
        grants.push({ entity, action, level: widest, from });
      }
    }
    const capabilities = PERMISSION_CATALOG.capabilities
      .map(({ value }) => ({
        capability: value,
        from: held.filter((r) => r.capabilities.includes(value)).map(source),
      }))
      .filter((c) => c.from.length > 0);
    return { grants, capabilities };
  }

  // -------------------------------------------------------------------------------------------
  // Back-office roles and capabilities

  backOfficeRoleIdOf(user: User): string {
    return this.backOfficeRoleOf[user.id] ?? ADMINISTRATOR_ROLE;
  }

  capabilitiesOf(user: User): BackOfficeCapability[] {
    const id = this.backOfficeRoleIdOf(user);
    if (id === ADMINISTRATOR_ROLE) return [...ALL_BACK_OFFICE];
    return [...(this.backOfficeRoles.find((r) => r.id === id)?.capabilities ?? [])];
  }

  private forbidden(admin: User, capability: BackOfficeCapability): ApiError {
    const role = this.backOfficeRoles.find((r) => r.id === this.backOfficeRoleIdOf(admin));
    const label = PERMISSION_CATALOG.backOfficeCapabilities.find((c) => c.value === capability)!;
    return apiError(
      'forbidden',
      `${admin.username} may not do this: their back-office role "${role?.label}" does not have "${label.label}".`,
    );
  }

  /** Gives `username` a new back-office role with just `capabilities`: for tests. */
  withBackOfficeRole(username: string, label: string, capabilities: BackOfficeCapability[]) {
    const id = newId('bo-role');
    this.backOfficeRoles.push({ id, label, capabilities });
    this.backOfficeRoleOf[this.backOfficeUser(username)!.id] = id;
    return this;
  }

  backOfficeUserView(user: User): BackOfficeUser {
    const role = this.backOfficeRoles.find((r) => r.id === this.backOfficeRoleIdOf(user));
    return {
      ...user,
      enabled: true,
      role: role ? { id: role.id, name: role.label } : null,
      capabilities: this.capabilitiesOf(user),
    };
  }

  backOfficeRole(key: string) {
    const k = key.trim().toLowerCase();
    const role = this.backOfficeRoles.find((r) => r.id === key || r.label.toLowerCase() === k);
    if (!role) throw apiError('not_found', `Back-office role "${key}" not found.`);
    return role;
  }

  backOfficeRoleView(role: FakeBackend['backOfficeRoles'][number]): BackOfficeRole {
    const builtin = role.id === ADMINISTRATOR_ROLE;
    return {
      ...role,
      builtin,
      capabilities: builtin ? [...ALL_BACK_OFFICE] : [...role.capabilities],
      users: this.users.filter((u) => this.backOfficeRoleIdOf(u) === role.id)
        .length as unknown as BackOfficeRole['users'],
    };
  }

  private setBackOfficeRole(userKey: string, roleKey: string): BackOfficeUser {
    const user = this.backOfficeUser(userKey);
    if (!user) throw apiError('not_found', `Back-office user "${userKey}" not found.`);
    const role = this.backOfficeRole(roleKey);
    const before = this.backOfficeRoleIdOf(user);
    const otherAdmins = this.users.filter(
      (u) => u.id !== user.id && this.backOfficeRoleIdOf(u) === ADMINISTRATOR_ROLE,
    );
    if (before === ADMINISTRATOR_ROLE && role.id !== before && otherAdmins.length === 0)
      throw apiError('validation', 'role: the last enabled Administrator.', [
        {
          field: 'role',
          message: `${user.name} is the last enabled Administrator: give another back-office user the Administrator role first.`,
        },
      ]);
    this.backOfficeRoleOf[user.id] = role.id;
    return this.backOfficeUserView(user);
  }

  private builtIn(role: { id: string }) {
    if (role.id === ADMINISTRATOR_ROLE)
      throw apiError(
        'conflict',
        'The Administrator role is built in: it may do everything and cannot change.',
      );
  }

  /** Creates (`id` null) or updates a back-office role. */
  private writeBackOfficeRole(id: string | null, input: BackOfficeRoleInput) {
    const before = id === null ? null : this.backOfficeRole(id);
    if (before) this.builtIn(before);
    const label = (input.label ?? before?.label ?? '').trim();
    const fields: ApiError['fields'] = [];
    if (!label) fields.push({ field: 'label', message: 'This value should not be blank.' });
    else if (
      this.backOfficeRoles.some(
        (r) => r.id !== before?.id && r.label.toLowerCase() === label.toLowerCase(),
      )
    )
      fields.push({ field: 'label', message: 'Role with this name already exists' });
    if (fields.length) throw apiError('validation', 'The back-office role is not valid.', fields);
    const capabilities = [...new Set(input.capabilities ?? before?.capabilities ?? [])].sort();
    if (before) return Object.assign(before, { label, capabilities });
    const role = { id: newId('bo-role'), label, capabilities };
    this.backOfficeRoles.push(role);
    return role;
  }

  private deleteBackOfficeRole(key: string) {
    const role = this.backOfficeRole(key);
    this.builtIn(role);
    const users = this.users.filter((u) => this.backOfficeRoleIdOf(u) === role.id).length;
    if (users > 0)
      throw apiError(
        'conflict',
        `The role "${role.label}" cannot be deleted: ${users} back-office user${users === 1 ? '' : 's'} still hold${users === 1 ? 's' : ''} it.`,
      );
    this.backOfficeRoles = this.backOfficeRoles.filter((r) => r.id !== role.id);
  }

  /** The back-office user with this id or username. */
  backOfficeUser(key: string): User | undefined {
    const k = key.trim();
    return this.users.find((u) => u.id === k || u.username === k);
  }

  currentAdmin(): User | null {
    return this.users.find((u) => u.id === this.currentAdminId) ?? null;
  }

  /** Who change records name: the current admin's username. */
  actor(): string {
    return this.currentAdmin()?.username ?? 'system';
  }

  createBackOfficeUser(raw: Record<string, unknown>): User {
    const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string).trim() : '');
    const input = {
      username: text('username'),
      firstName: text('firstName'),
      lastName: text('lastName'),
      email: text('email'),
    };
    const fields: ApiError['fields'] = [];
    const blank = 'This value should not be blank.';
    for (const key of ['username', 'firstName', 'lastName', 'email'] as const) {
      if (!input[key]) fields.push({ field: key, message: blank });
    }
    if (
      input.username &&
      this.users.some((u) => u.username.toLowerCase() === input.username.toLowerCase())
    )
      fields.push({ field: 'username', message: 'This username is already used.' });
    if (input.email && !EMAIL.test(input.email))
      fields.push({ field: 'email', message: 'This value is not a valid email address.' });
    if (fields.length) throw apiError('validation', 'The back-office user is not valid.', fields);
    const user: User = {
      id: newId('user'),
      username: input.username,
      name: `${input.firstName} ${input.lastName}`,
      email: input.email,
    };
    this.users.push(user);
    return user;
  }

  /** Runs an account action on one user, logging what changed, and returns the user. */
  account(id: string, act: (u: CustomerUser) => void): CustomerUser {
    const user = this.find(id);
    const before = { confirmed: user.confirmed, authStatus: user.authStatus };
    act(user);
    const fields: Record<string, [unknown, unknown]> = {};
    if (before.confirmed !== user.confirmed) fields.confirmed = [before.confirmed, user.confirmed];
    if (before.authStatus !== user.authStatus)
      fields.authStatus = [before.authStatus, user.authStatus];
    if (Object.keys(fields).length) this.log(user.id, 'update', fields);
    user.updatedAt = now();
    return user;
  }

  queue(user: CustomerUser, template: string, subject: string) {
    this.outbox.push({
      id: newId('msg'),
      template,
      customerUserId: user.id,
      recipient: user.email,
      subject,
      body: `Hello, ${user.firstName}! https://shop.example.com/customer/user/reset?token=••••••`,
      link: null,
      state: 'queued',
      attempts: 0 as unknown as OutboxMessage['attempts'],
      nextAttemptAt: now(),
      lastError: null,
      createdAt: now(),
      sentAt: null,
    });
  }

  bulk(action: BulkAction, ids: string[]): BulkSummary {
    // The role actions are `bulk_role`'s.
    const commands: Partial<Record<BulkAction, CommandName>> = {
      enable: 'set_customer_user_enabled',
      disable: 'set_customer_user_enabled',
      delete: 'delete_customer_user',
      confirm: 'confirm_customer_user',
      resendConfirmation: 'resend_confirmation',
      resetPassword: 'reset_password',
      unlock: 'unlock_customer_user',
    };
    return this.summarize(action, ids, (id) => {
      const command = commands[action];
      if (!command) throw apiError('validation', 'Say which role to give or take.');
      this.handle(command, { id, enabled: action === 'enable' });
    });
  }

  /** `bulk_role`: gives or takes a role; an enabled user keeps their last one, as the core. */
  bulkRole(key: string, add: boolean, ids: string[]): BulkSummary {
    const role = this.role(key);
    return this.summarize(add ? 'addRole' : 'removeRole', ids, (id) => {
      const user = this.find(id);
      const roles = user.userRoles.map((r) => r.id);
      if (add === roles.includes(role.id)) return;
      const next = add ? [...roles, role.id] : roles.filter((r) => r !== role.id);
      if (next.length === 0 && user.enabled) {
        throw apiError(
          'validation',
          `You cannot remove last role from ${user.firstName} ${user.lastName}`,
        );
      }
      this.handle('update_customer_user', { id, patch: { userRoles: next } });
    });
  }

  /** Runs `one` for each id, as the core's bulk actions do, and sums up. */
  summarize(action: BulkAction, ids: string[], one: (id: string) => void): BulkSummary {
    const done: string[] = [];
    const skipped: BulkSummary['skipped'] = [];
    for (const id of [...new Set(ids)]) {
      try {
        one(id);
        done.push(id);
      } catch (e) {
        const email = this.customerUsers.find((u) => u.id === id)?.email ?? null;
        skipped.push({ id, email, reason: (e as ApiError).message });
      }
    }
    const verb: Record<BulkAction, string> = {
      enable: 'Enabled',
      disable: 'Disabled',
      delete: 'Deleted',
      confirm: 'Confirmed',
      resendConfirmation: 'Sent the confirmation email again to',
      resetPassword: 'Sent a password reset to',
      unlock: 'Unlocked',
      addRole: 'Gave the role to',
      removeRole: 'Took the role from',
    };
    const noun = done.length === 1 ? 'customer user' : 'customer users';
    const message =
      `${verb[action]} ${done.length} ${noun}.` +
      (skipped.length ? ` Skipped ${skipped.length}.` : '');
    return { action, done, skipped, message };
  }

  find(id: string): CustomerUser {
    const user = this.customerUsers.find((u) => u.id === id);
    if (!user) throw apiError('not_found', 'Customer user not found.');
    return user;
  }

  list(query: GridQuery): Page<CustomerUserRow> {
    const f = (query.filter ?? {}) as Record<string, unknown>;
    const contains = (v: string, needle: unknown) =>
      typeof needle !== 'string' || v.toLowerCase().includes(needle.toLowerCase());
    const equals = (v: string, needle: unknown) =>
      typeof needle !== 'string' || v.toLowerCase() === needle.toLowerCase();
    const all = this.customerUsers.map((u) => toRow(u, this.orderSummary(u.id)));
    let rows = all.filter((r) => {
      for (const key of ['customerName', 'firstName', 'lastName', 'email', 'roles'] as const) {
        if (!contains(r[key], f[key])) return false;
        if (!equals(r[key], f[`${key}Eq`])) return false;
      }
      for (const key of ['enabled', 'confirmed', 'isGuest', 'authStatus'] as const) {
        if (f[key] !== undefined && r[key] !== f[key]) return false;
      }
      if (f.websiteId) {
        const u = this.find(r.id);
        if (u.website?.id !== f.websiteId) return false;
      }
      if (!this.extraFields.matches(r.extra, query.filter?.extra)) return false;
      const { consentAccepted: yes, consentNotAccepted: no } = query.filter ?? {};
      if (yes && !hasAccepted(this.userPage, r.id, yes)) return false;
      if (no && hasAccepted(this.userPage, r.id, no)) return false;
      const q = query.q?.toLowerCase();
      if (
        q &&
        ![r.firstName, r.lastName, r.email, r.customerName].some((v) => v.toLowerCase().includes(q))
      )
        return false;
      return true;
    });
    const field = (query.sort?.field ?? 'id') as keyof CustomerUserRow;
    const dir = query.sort?.order === 'DESC' ? -1 : 1;
    rows = rows.sort((a, b) => {
      const [x, y] = [a[field], b[field]];
      const c =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x ?? '').localeCompare(String(y ?? ''));
      return (c !== 0 ? c : a.id.localeCompare(b.id)) * dir;
    });
    const size = query.pageSize ?? 25;
    let start = 0;
    if (query.after) {
      const i = rows.findIndex((r) => r.id === query.after);
      start = i + 1;
    }
    const page = rows.slice(start, start + size);
    const hasMore = start + size < rows.length;
    return {
      rows: page,
      nextCursor: hasMore ? page[page.length - 1].id : null,
      prevCursor: start > 0 ? (page[0]?.id ?? null) : null,
    };
  }

  /** The grid's Orders and Last order: the user's related records of kind `order`. */
  private orderSummary(userId: string): Pick<CustomerUserRow, 'orders' | 'lastOrder'> {
    const orders = this.userPage.related.filter(
      (r) => r.kind === 'order' && r.customerUser.id === userId,
    );
    const lastOrder = orders.reduce<string | null>(
      (last, r) => (last && last > r.createdAt ? last : r.createdAt),
      null,
    );
    return { orders: orders.length, lastOrder };
  }

  private validate(input: Partial<CustomerUserInput>, existing?: CustomerUser) {
    const fields: ApiError['fields'] = [];
    if (input.firstName !== undefined && !input.firstName.trim())
      fields.push({ field: 'firstName', message: 'This value should not be blank.' });
    if (input.lastName !== undefined && !input.lastName.trim())
      fields.push({ field: 'lastName', message: 'This value should not be blank.' });
    if (input.email !== undefined) {
      const email = input.email.toLowerCase();
      if (this.customerUsers.some((u) => u.id !== existing?.id && u.email.toLowerCase() === email))
        fields.push({ field: 'email', message: 'This email is already used.' });
    }
    const enabled = input.enabled ?? existing?.enabled ?? true;
    const roles = input.userRoles ?? existing?.userRoles.map((r) => r.id) ?? [];
    if (enabled && roles.length === 0)
      fields.push({
        field: 'userRoles',
        message: 'Please select at least one role before you enable the customer user.',
      });
    (input.addresses ?? []).forEach((address, n) =>
      fields.push(
        ...countryRegionProblems(address).map((f) => ({
          ...f,
          field: `addresses.${n}.${f.field}`,
        })),
      ),
    );
    fields.push(...this.extraFields.check(input.extra ?? {}));
    if (fields.length) throw apiError('validation', 'The customer user is not valid.', fields);
  }

  private ref(list: { id: string; name: string }[], id: string | null | undefined): Ref | null {
    const found = id ? list.find((x) => x.id === id) : undefined;
    return found ? { id: found.id, name: found.name } : null;
  }

  private apply(user: CustomerUser, input: Partial<CustomerUserInput>) {
    // The texts, the e-mail address and the birthday are stored as given.
    const given = input as Record<string, unknown>;
    for (const key of PLAIN_VALUE_FIELDS)
      if (given[key] !== undefined) (user as Record<string, unknown>)[key] = given[key];
    if (input.enabled !== undefined) user.enabled = input.enabled;
    if (input.newCustomer) {
      const c: Customer = {
        id: newId('cust'),
        name: input.newCustomer.name,
        parent: this.ref(this.customers, input.newCustomer.parent),
        path: input.newCustomer.name,
        salesRepresentatives: [],
      };
      this.customers.push(c);
      user.customer = { id: c.id, name: c.name };
    } else if (input.customer) {
      user.customer = this.ref(this.customers, input.customer) ?? user.customer;
    }
    if (input.website !== undefined) user.website = this.ref(this.websites, input.website);
    if (input.preferredLocalization !== undefined)
      user.preferredLocalization = this.ref(this.localizations, input.preferredLocalization);
    if (input.owner !== undefined)
      user.owner = this.ref(
        this.users.map((u) => ({ id: u.id, name: u.name })),
        input.owner,
      );
    if (input.userRoles !== undefined)
      user.userRoles = this.roles.filter((r) => input.userRoles!.includes(r.id)).map(toRoleRef);
    if (input.salesRepresentatives)
      user.salesRepresentatives = this.users
        .filter((u) => input.salesRepresentatives!.includes(u.id))
        .map((u) => ({ id: u.id, name: u.name }));
    if (input.addresses)
      user.addresses = input.addresses.map((a) => ({
        label: null,
        namePrefix: null,
        firstName: null,
        middleName: null,
        lastName: null,
        nameSuffix: null,
        organization: null,
        street2: null,
        phone: null,
        ...a,
        ...storedCountryRegion(a),
        id: a.id ?? newId('addr'),
      }));
    if (input.extra) this.extraFields.apply(user.extra, input.extra as ExtraValues);
    if (input.password || input.generatePassword) {
      user.authStatus = 'active';
      user.passwordChangedAt = now();
    }
    user.updatedAt = now();
  }

  create(input: CustomerUserInput): CustomerUser {
    this.validate(input);
    if (!input.customer && !input.newCustomer)
      throw apiError('validation', 'The customer user is not valid.', [
        { field: 'customer', message: 'This value should not be blank.' },
      ]);
    const t = now();
    const user: CustomerUser = {
      id: newId('cu-new'),
      namePrefix: null,
      firstName: '',
      middleName: null,
      lastName: '',
      nameSuffix: null,
      email: '',
      birthday: null,
      enabled: true,
      confirmed: true,
      isGuest: false,
      authStatus: 'active',
      hasPassword: true,
      loginCount: 0 as unknown as CustomerUser['loginCount'],
      lastLogin: null,
      passwordChangedAt: t,
      passwordRequestedAt: null,
      resetLinkExpiresAt: null,
      confirmationLinkExpiresAt: null,
      lockedAt: null,
      lockedUntil: null,
      customer: { id: '', name: '' },
      website: null,
      preferredLocalization: null,
      owner: { id: 'user-admin', name: 'John Doe' },
      organization: this.org,
      userRoles: [],
      salesRepresentatives: [],
      addresses: [],
      createdAt: t,
      updatedAt: t,
      extra: {},
    };
    this.apply(user, input);
    this.customerUsers.push(user);
    this.log(user.id, 'create', { email: [null, user.email] });
    return user;
  }

  update(id: string, patch: CustomerUserPatch): CustomerUser {
    const refused = Object.keys(patch).find((key) => !WRITABLE.has(key));
    if (refused)
      throw apiError('invalid_input', `${refused}: this field cannot be written.`, [
        { field: refused, message: 'This field cannot be written.' },
      ]);
    const user = this.find(id);
    this.validate(patch as Partial<CustomerUserInput>, user);
    const before = JSON.parse(JSON.stringify(user)) as Record<string, unknown>;
    this.apply(user, patch as Partial<CustomerUserInput>);
    const fields: Record<string, [unknown, unknown]> = {};
    for (const key of Object.keys(patch)) {
      if (key in before) fields[key] = [before[key], (user as Record<string, unknown>)[key]];
    }
    this.log(id, 'update', fields);
    return user;
  }

  private log(
    entityId: string,
    op: ChangeRecord['op'],
    fields: Record<string, [unknown, unknown]>,
  ) {
    this.history.push({
      id: newId('chg'),
      entity: 'customer_user',
      entityId,
      op,
      fields,
      actor: this.actor(),
      via: 'window',
      at: now(),
      hlc: `${Date.now()}-0`,
      import: null,
      overwritten: {},
    });
  }
}

/** For `npm run dev` outside Tauri. */
export function installFakeBackend(): FakeBackend {
  const backend = new FakeBackend({ users: 60 });
  backend.userPage.seedDemo();
  backend.seedExtraDemo();
  return backend.install();
}
