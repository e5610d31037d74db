import { HttpError } from 'react-admin';
import type {
  DataProvider,
  GetListParams,
  GetListResult,
  GetManyParams,
  GetManyReferenceParams,
  Identifier,
  RaRecord,
} from 'react-admin';
import type { ActivityItem } from '../bindings/ActivityItem';
import type { ActivityKind } from '../bindings/ActivityKind';
import type { AttemptQuery } from '../bindings/AttemptQuery';
import type { BackOfficeCapability } from '../bindings/BackOfficeCapability';
import type { BackOfficeRole } from '../bindings/BackOfficeRole';
import type { BackOfficeRoleInput } from '../bindings/BackOfficeRoleInput';
import type { BackOfficeUser } from '../bindings/BackOfficeUser';
import type { BackOfficeUserInput } from '../bindings/BackOfficeUserInput';
import type { BulkAction } from '../bindings/BulkAction';
import type { BulkSummary } from '../bindings/BulkSummary';
import type { ChangeRecord } from '../bindings/ChangeRecord';
import type { CommandName, Commands } from '../bindings/commands';
import type { Effective } from '../bindings/Effective';
import type { EmailTemplate } from '../bindings/EmailTemplate';
import type { EventInput } from '../bindings/EventInput';
import type { ExportProgress } from '../bindings/ExportProgress';
import type { ExportQuery } from '../bindings/ExportQuery';
import type { ExportSummary } from '../bindings/ExportSummary';
import type { ImportChoice } from '../bindings/ImportChoice';
import type { ImportKind } from '../bindings/ImportKind';
import type { ImportProgress } from '../bindings/ImportProgress';
import type { ImportRecord } from '../bindings/ImportRecord';
import type { ImportReport } from '../bindings/ImportReport';
import type { LoginAttempt } from '../bindings/LoginAttempt';
import type { NoteInput } from '../bindings/NoteInput';
import type { OutboxDelivery } from '../bindings/OutboxDelivery';
import type { OutboxMessage } from '../bindings/OutboxMessage';
import type { OutboxQuery } from '../bindings/OutboxQuery';
import type { PermissionCatalog } from '../bindings/PermissionCatalog';
import type { RenderedEmail } from '../bindings/RenderedEmail';
import type { Setting } from '../bindings/Setting';
import type { StoreInfo } from '../bindings/StoreInfo';
import type { SyncView } from '../bindings/SyncView';
import type { Consent } from '../bindings/Consent';
import type { ConsentInput } from '../bindings/ConsentInput';
import type { Customer } from '../bindings/Customer';
import type { CustomerUser } from '../bindings/CustomerUser';
import type { CustomerUserInput } from '../bindings/CustomerUserInput';
import type { CustomerUserPatch } from '../bindings/CustomerUserPatch';
import type { ExtraField } from '../bindings/ExtraField';
import type { ExtraFieldInput } from '../bindings/ExtraFieldInput';
import type { GridFilter } from '../bindings/GridFilter';
import type { GridQuery } from '../bindings/GridQuery';
import type { Role } from '../bindings/Role';
import type { RoleInput } from '../bindings/RoleInput';
import type { RoleQuery } from '../bindings/RoleQuery';
import type { RoleRef } from '../bindings/RoleRef';
import type { User } from '../bindings/User';
import { diffInput, recordToInput } from '../customerUsers/formValues';
import { Channel } from '@tauri-apps/api/core';
import { call, toApiError } from './api';

export const CUSTOMER_USERS = 'customer-users';
/** The Roles grid's resource; `roles` is the short list the customer user form picks from. */
export const CUSTOMER_USER_ROLES = 'customer-user-roles';

/** Commands beyond CRUD, reached through `useDataProvider<AppDataProvider>()`. */
export interface AppDataProvider extends DataProvider {
  setCustomerUserEnabled(id: Identifier, enabled: boolean): Promise<CustomerUser>;
  customerUserHistory(id: Identifier): Promise<ChangeRecord[]>;
  generatePassword(): Promise<string>;
  /** An account action of docs/api.md on one user: `confirm_customer_user`, `reset_password`, … */
  accountAction(command: AccountCommand, id: Identifier): Promise<CustomerUser>;
  bulkAction(action: BulkAction, ids: Identifier[]): Promise<BulkSummary>;
  /** Gives (`add`) or takes the role `role` to or from the users `ids`. */
  bulkRole(role: string, add: boolean, ids: Identifier[]): Promise<BulkSummary>;
  listOutbox(query: OutboxQuery): Promise<OutboxMessage[]>;
  retryMessage(id: string): Promise<OutboxMessage>;
  deliverOutbox(): Promise<OutboxDelivery>;
  listLoginAttempts(query: AttemptQuery): Promise<LoginAttempt[]>;
  listSettings(): Promise<Setting[]>;
  setSetting(key: string, value: boolean | number | string): Promise<Setting>;
  smtpPasswordSaved(): Promise<boolean>;
  setSmtpPassword(password: string | null): Promise<null>;
  listEmailTemplates(): Promise<EmailTemplate[]>;
  updateEmailTemplate(name: string, subject: string, content: string): Promise<EmailTemplate>;
  restoreEmailTemplate(name: string): Promise<EmailTemplate>;
  previewEmailTemplate(subject: string, content: string): Promise<RenderedEmail>;
  /** Oro's CSV into a file picked in the save dialog; `null` when the dialog was closed. */
  exportCustomerUsers(
    query: ExportQuery,
    onProgress: (done: number, total: number) => void,
    kind?: ImportKind,
  ): Promise<ExportSummary | null>;
  cancelExport(): Promise<null>;
  /** A CSV picked in the native open dialog; `null` when it was closed. */
  pickImportFile(): Promise<string | null>;
  /** Checks or imports `path`; `null` when the rejects save dialog was closed. */
  importCustomerUsers(
    path: string,
    mode: ImportChoice,
    kind: ImportKind,
    onProgress: (progress: ImportProgress) => void,
  ): Promise<ImportReport | null>;
  cancelImport(): Promise<null>;
  listImports(): Promise<ImportRecord[]>;
  /** Saves the data template through the save dialog; its path, or `null` when closed. */
  saveImportTemplate(kind: ImportKind): Promise<string | null>;
  /** The back-office user acting in this window; `null` until one is chosen. */
  currentAdmin(): Promise<User | null>;
  /** Makes the back-office user `id` (or username) the one acting in this window. */
  setCurrentAdmin(id: string): Promise<User>;
  /** Adds a back-office user; it does not make them current (`setCurrentAdmin` does). */
  createBackOfficeUser(input: BackOfficeUserInput): Promise<User>;
  /** The back-office users (`list_users`), e.g. to choose who is working. */
  listUsers(): Promise<User[]>;
  /** The database the window shows, and whether it is read-only (`store_info`). */
  storeInfo(): Promise<StoreInfo>;
  /** Where the team server sync stands (`sync_status`): the indicator's state and counts. */
  syncStatus(): Promise<SyncView>;
  /** Signs in to the team server; waits for the network, unlike the other sync commands. */
  serverSignIn(input: ServerSignIn): Promise<SyncView>;
  /** Forgets the sign-in; every record stays on this desktop. */
  serverSignOut(): Promise<SyncView>;
  /**
   * Wakes the background sync and answers at once (it does not wait for the sync):
   * `replaceLocal` is the admin's word that the team's records replace this desktop's.
   */
  syncNow(replaceLocal: boolean): Promise<SyncView>;
  /** Sends a change the server refused again, at the next sync. */
  syncRetry(seq: number): Promise<SyncView>;
  /** Drops a change the server refused: the record becomes the team's copy again. */
  syncDiscard(seq: number): Promise<SyncView>;
  /** The entities, actions, levels and capabilities role forms offer, with their labels. */
  permissionCatalog(): Promise<PermissionCatalog>;
  /** What customer user `id` may do: the grants of all their roles, each with its roles. */
  customerUserPermissions(id: Identifier): Promise<Effective>;
  /** System › Users: the back-office users with their back-office roles. */
  listBackOfficeUsers(): Promise<BackOfficeUser[]>;
  setBackOfficeUserRole(user: string, role: string): Promise<BackOfficeUser>;
  listBackOfficeRoles(): Promise<BackOfficeRole[]>;
  createBackOfficeRole(input: BackOfficeRoleInput): Promise<BackOfficeRole>;
  updateBackOfficeRole(id: string, input: BackOfficeRoleInput): Promise<BackOfficeRole>;
  deleteBackOfficeRole(id: string): Promise<null>;
  /** What the current admin's back-office role lets them do in this window. */
  myCapabilities(): Promise<BackOfficeCapability[]>;
  /** The user's notes, e-mails and events, newest first; `kinds` keeps only those. */
  customerUserActivity(id: Identifier, kinds?: ActivityKind[]): Promise<ActivityItem[]>;
  addNote(user: Identifier, input: NoteInput): Promise<ActivityItem>;
  updateNote(id: string, input: NoteInput): Promise<ActivityItem>;
  deleteNote(id: string): Promise<null>;
  addEvent(user: Identifier, input: EventInput): Promise<ActivityItem>;
  updateEvent(id: string, input: EventInput): Promise<ActivityItem>;
  deleteEvent(id: string): Promise<null>;
  /** System › Consents: what customer users may accept, each with how many did. */
  listConsents(): Promise<Consent[]>;
  createConsent(input: ConsentInput): Promise<Consent>;
  updateConsent(id: string, input: ConsentInput): Promise<Consent>;
  deleteConsent(id: string): Promise<null>;
  /** System › Customer User Fields: the organization's own fields of a customer user. */
  listCustomerUserFields(): Promise<ExtraField[]>;
  createCustomerUserField(input: ExtraFieldInput): Promise<ExtraField>;
  updateCustomerUserField(id: string, input: ExtraFieldInput): Promise<ExtraField>;
  deleteCustomerUserField(id: string): Promise<null>;
}

/** What `server_sign_in` is given: the server, the admin's credentials, how to connect. */
export type ServerSignIn = Commands['server_sign_in']['args'];

export type AccountCommand =
  | 'confirm_customer_user'
  | 'resend_confirmation'
  | 'reset_password'
  | 'revoke_reset'
  | 'unlock_customer_user';

// ---------------------------------------------------------------------------------------------
// Errors

const STATUS: Record<string, number> = {
  validation: 422,
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  storage: 500,
  internal: 500,
  unavailable: 503,
  unauthorized: 401,
  forbidden: 403,
};

/**
 * Maps a rejected command to what react-admin understands: a validation error becomes an
 * `HttpError` whose `body.errors` holds `{ 'addresses.0.city': message, … }` (react-admin sets
 * each on its input), everything else an `HttpError` whose message the notification shows.
 */
export function toHttpError(raw: unknown): HttpError {
  const error = toApiError(raw);
  const body: Record<string, unknown> = { code: error.code, fields: error.fields };
  if (error.fields.length > 0) {
    const errors: Record<string, unknown> = {};
    for (const { field, message } of error.fields) {
      const path = field === 'newCustomer' ? 'newCustomer.name' : field;
      const previous = errors[path];
      errors[path] = typeof previous === 'string' ? `${previous} ${message}` : message;
    }
    // A form-level banner (react-hook-form `errors.root.serverError`), for fields not on screen.
    errors.root = { serverError: error.message };
    body.errors = errors;
  }
  // The toast reads as sentences, without the core's field paths ("email: …").
  const message =
    error.code === 'validation' && error.fields.length > 0
      ? [...new Set(error.fields.map((f) => f.message))].join(' ')
      : error.message;
  return new HttpError(message, STATUS[error.code] ?? 500, body);
}

async function run<K extends CommandName>(
  command: K,
  args?: Commands[K]['args'],
): Promise<Commands[K]['returns']> {
  try {
    return await call(command, args);
  } catch (e) {
    throw toHttpError(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Grid query mapping

const TEXT_FILTERS = [
  'customerName',
  'customerNameEq',
  'firstName',
  'firstNameEq',
  'lastName',
  'lastNameEq',
  'email',
  'emailEq',
  'roles',
  'customerId',
  'websiteId',
  'createdFrom',
  'createdTo',
  'updatedFrom',
  'updatedTo',
] as const;
const BOOLEAN_FILTERS = ['enabled', 'confirmed', 'isGuest'] as const;
const SORT_FIELDS = [
  'id',
  'customerName',
  'firstName',
  'lastName',
  'email',
  'enabled',
  'confirmed',
  'isGuest',
  'authStatus',
  'createdAt',
  'updatedAt',
  'websiteName',
  'roles',
  'orders',
  'lastOrder',
];

const asBoolean = (v: unknown): boolean | undefined =>
  v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;

/** The own fields' filters (`extra.<name>`), each as the text the core compares. */
function extraFilter(raw: unknown): GridFilter['extra'] | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const entries = Object.entries(raw as Record<string, unknown>)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .map(([name, v]) => [name, String(v).trim()] as const)
    .filter(([, v]) => v !== '');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** react-admin's filter values → `GridQuery.filter` and `q` (blank values are dropped). */
export function toGridFilter(raFilter: Record<string, unknown> = {}): {
  filter: GridFilter;
  q: string | null;
} {
  const filter: Record<string, unknown> = {};
  for (const key of TEXT_FILTERS) {
    const v = raFilter[key];
    if (typeof v === 'string' && v.trim() !== '') filter[key] = v.trim();
  }
  for (const key of BOOLEAN_FILTERS) {
    const v = asBoolean(raFilter[key]);
    if (v !== undefined) filter[key] = v;
  }
  if (['active', 'reset', 'expired', 'locked'].includes(String(raFilter.authStatus))) {
    filter.authStatus = raFilter.authStatus;
  }
  const extra = extraFilter(raFilter.extra);
  if (extra) filter.extra = extra;
  const consent = raFilter.consent as { id?: unknown; accepted?: unknown } | undefined;
  if (consent && typeof consent.id === 'string' && consent.id) {
    filter[asBoolean(consent.accepted) === false ? 'consentNotAccepted' : 'consentAccepted'] =
      consent.id;
  }
  const q = typeof raFilter.q === 'string' && raFilter.q.trim() !== '' ? raFilter.q.trim() : null;
  return { filter: filter as GridFilter, q };
}

function toSort(sort: GetListParams['sort']): GridQuery['sort'] {
  const field = sort?.field && SORT_FIELDS.includes(sort.field) ? sort.field : 'id';
  const order = sort?.order === 'DESC' ? 'DESC' : 'ASC';
  return { field, order } as GridQuery['sort'];
}

// ---------------------------------------------------------------------------------------------
// Roles grid query mapping

const ROLE_TEXT_FILTERS = ['q', 'label', 'role', 'customer'] as const;
const ROLE_BOOLEAN_FILTERS = ['predefined', 'selfManaged', 'public'] as const;
const ROLE_SORT_FIELDS = ['label', 'role', 'customer', 'type', 'selfManaged', 'public', 'users'];

/** The Roles grid's filters and sort → `RoleQuery` (blank values are dropped). */
export function toRoleQuery(
  raFilter: Record<string, unknown> = {},
  sort?: GetListParams['sort'],
): RoleQuery {
  const query: RoleQuery = { desc: sort?.order === 'DESC' };
  for (const key of ROLE_TEXT_FILTERS) {
    const v = raFilter[key];
    if (typeof v === 'string' && v.trim() !== '') query[key] = v.trim();
  }
  for (const key of ROLE_BOOLEAN_FILTERS) {
    const v = asBoolean(raFilter[key]);
    if (v !== undefined) query[key] = v;
  }
  if (sort?.field && ROLE_SORT_FIELDS.includes(sort.field)) query.sort = sort.field;
  return query;
}

const roleRef = (role: Role): RoleRef => ({
  id: role.id,
  role: role.role,
  label: role.label,
  customerId: role.customer?.id ?? null,
});

// ---------------------------------------------------------------------------------------------
// Keyset paging: react-admin page numbers → cursors

/**
 * Per (sort, filter, q, perPage) signature, the `after` cursor that starts each page:
 * page 1 has none, page N+1 starts after page N's `nextCursor`.
 */
export class CursorCache {
  private readonly bySignature = new Map<string, Map<number, string | null>>();

  constructor(private readonly maxSignatures = 20) {}

  pages(signature: string): Map<number, string | null> {
    let pages = this.bySignature.get(signature);
    if (pages) {
      // Refresh its place in the LRU order.
      this.bySignature.delete(signature);
    } else {
      pages = new Map([[1, null]]);
    }
    this.bySignature.set(signature, pages);
    while (this.bySignature.size > this.maxSignatures) {
      const oldest = this.bySignature.keys().next().value as string;
      this.bySignature.delete(oldest);
    }
    return pages;
  }

  clear(): void {
    this.bySignature.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Reference resources (small lists the commands return whole)

type Listed = RaRecord & { name?: string; label?: string; username?: string; email?: string };

function matchesQ(record: Listed, q: unknown): boolean {
  if (typeof q !== 'string' || q.trim() === '') return true;
  const needle = q.trim().toLowerCase();
  return [
    record.name,
    record.label,
    record.username,
    record.email,
    (record as { path?: string }).path,
  ]
    .filter((v): v is string => typeof v === 'string')
    .some((v) => v.toLowerCase().includes(needle));
}

function sortAndPage<T extends RaRecord>(
  records: T[],
  params: Partial<GetListParams>,
): GetListResult<T> {
  let rows = [...records];
  const field = params.sort?.field;
  if (field && field !== 'id') {
    const dir = params.sort?.order === 'DESC' ? -1 : 1;
    rows.sort((a, b) => {
      const av = String((a as Record<string, unknown>)[field] ?? '');
      const bv = String((b as Record<string, unknown>)[field] ?? '');
      return av.localeCompare(bv) * dir;
    });
  }
  const total = rows.length;
  const page = params.pagination?.page ?? 1;
  const perPage = params.pagination?.perPage ?? total;
  rows = rows.slice((page - 1) * perPage, page * perPage);
  return { data: rows, total };
}

// ---------------------------------------------------------------------------------------------

export function createDataProvider(): AppDataProvider {
  const cursors = new CursorCache();
  /** Customers and roles seen so far, since no command fetches one by id. */
  const customers = new Map<string, Customer>();
  const roles = new Map<string, RoleRef>();

  const remember = (user: CustomerUser) => {
    if (user.customer && !customers.has(user.customer.id)) {
      customers.set(user.customer.id, {
        id: user.customer.id,
        name: user.customer.name,
        parent: null,
        path: user.customer.name,
        salesRepresentatives: [],
      } as Customer);
    }
    for (const role of user.userRoles ?? []) roles.set(role.id, role);
    return user;
  };

  const fetchPage = (query: GridQuery) => run('list_customer_users', { query });

  async function listCustomerUsers(params: GetListParams): Promise<GetListResult> {
    const page = Math.max(1, params.pagination?.page ?? 1);
    const perPage = params.pagination?.perPage ?? 25;
    const sort = toSort(params.sort);
    const { filter, q } = toGridFilter(params.filter);
    const base = { filter, q, sort, pageSize: perPage } as GridQuery;
    const pages = cursors.pages(JSON.stringify([sort, filter, q, perPage]));

    // A page we have no cursor for (e.g. the app restarted on page 3): walk from the last known.
    let known = page;
    while (!pages.has(known)) known -= 1;
    while (known < page) {
      const walked = await fetchPage({ ...base, after: pages.get(known) ?? null } as GridQuery);
      if (!walked.nextCursor) {
        return { data: [], pageInfo: { hasNextPage: false, hasPreviousPage: page > 1 } };
      }
      pages.set(known + 1, walked.nextCursor);
      known += 1;
    }

    const after = pages.get(page) ?? null;
    const query = { ...base } as GridQuery;
    if (after) query.after = after;
    const result = await fetchPage(query);
    if (result.nextCursor) {
      pages.set(page + 1, result.nextCursor);
    } else {
      for (const p of [...pages.keys()]) if (p > page) pages.delete(p);
    }
    return {
      data: result.rows ?? [],
      pageInfo: { hasNextPage: !!result.nextCursor, hasPreviousPage: page > 1 },
    };
  }

  async function listReference(resource: string, filter: Record<string, unknown> = {}) {
    switch (resource) {
      case 'customers': {
        const q = typeof filter.q === 'string' && filter.q.trim() !== '' ? filter.q.trim() : null;
        const args: Commands['list_customers']['args'] = { limit: 50 };
        if (q) args.q = q;
        const list = await run('list_customers', args);
        for (const c of list) customers.set(c.id, c);
        return list as unknown as Listed[];
      }
      case 'websites':
        return (await run('list_websites')) as unknown as Listed[];
      case 'localizations':
        return (await run('list_localizations')) as unknown as Listed[];
      case 'users':
        return (await run('list_users')) as unknown as Listed[];
      case 'roles': {
        const customer =
          typeof filter.customer === 'string' && filter.customer ? filter.customer : null;
        const list = await run('list_roles', { customer });
        for (const r of list) roles.set(r.id, r);
        return list as unknown as Listed[];
      }
      default:
        throw new HttpError(`Unknown resource "${resource}".`, 404);
    }
  }

  async function getManyReference(resource: string, ids: Identifier[]): Promise<RaRecord[]> {
    const wanted = ids.map(String);
    if (resource === 'customers' || resource === 'roles') {
      const cache = resource === 'customers' ? customers : roles;
      if (wanted.some((id) => !cache.has(id))) {
        try {
          if (resource === 'customers') {
            const missing = wanted.filter((id) => !customers.has(id));
            for (const c of await run('get_customers', { ids: missing })) customers.set(c.id, c);
          } else {
            for (const r of await run('list_roles', { customer: null })) roles.set(r.id, r);
          }
        } catch {
          // Keep what the cache has.
        }
      }
      return wanted
        .map((id) => cache.get(id))
        .filter((r): r is Customer & RoleRef => !!r) as unknown as RaRecord[];
    }
    const all = await listReference(resource);
    return all.filter((r) => wanted.includes(String(r.id)));
  }

  /** The role, and the customer user form's list of roles told of it. */
  const rememberRole = (role: Role) => {
    roles.set(role.id, roleRef(role));
    return role;
  };

  return {
    async getList(resource, params) {
      if (resource === CUSTOMER_USERS) return listCustomerUsers(params);
      if (resource === CUSTOMER_USER_ROLES) {
        // The core filters and sorts every role (they are few); the page is cut here.
        const query = toRoleQuery(params.filter, params.sort);
        const all = await run('list_customer_user_roles', { query });
        return sortAndPage(all.map(rememberRole), { pagination: params.pagination }) as never;
      }
      const all = await listReference(resource, params.filter);
      const filtered = all.filter((r) => matchesQ(r, params.filter?.q));
      return sortAndPage(filtered, params) as GetListResult;
    },

    async getOne(resource, params) {
      if (resource === CUSTOMER_USERS) {
        const user = await run('get_customer_user', { id: String(params.id) });
        return { data: remember(user) } as never;
      }
      if (resource === CUSTOMER_USER_ROLES) {
        const role = await run('get_customer_user_role', { id: String(params.id) });
        return { data: rememberRole(role) } as never;
      }
      const [record] = await getManyReference(resource, [params.id]);
      if (!record) throw new HttpError('Not found.', 404);
      return { data: record } as never;
    },

    async getMany(resource, params: GetManyParams) {
      if (resource === CUSTOMER_USERS) {
        const data = await Promise.all(
          params.ids.map((id) => run('get_customer_user', { id: String(id) })),
        );
        return { data } as never;
      }
      if (resource === CUSTOMER_USER_ROLES) {
        const data = await Promise.all(
          params.ids.map((id) => run('get_customer_user_role', { id: String(id) })),
        );
        return { data: data.map(rememberRole) } as never;
      }
      return { data: await getManyReference(resource, params.ids) } as never;
    },

    async getManyReference(resource, params: GetManyReferenceParams) {
      if (resource === CUSTOMER_USERS) {
        const filter = { ...params.filter, [params.target]: params.id };
        return listCustomerUsers({ ...params, filter });
      }
      const all = await listReference(resource, params.filter);
      const matching = all.filter(
        (r) => String((r as Record<string, unknown>)[params.target]) === String(params.id),
      );
      return sortAndPage(matching, params) as GetListResult;
    },

    async create(resource, params) {
      if (resource === CUSTOMER_USER_ROLES) {
        const role = await run('create_customer_user_role', { input: params.data as RoleInput });
        return { data: rememberRole(role) } as never;
      }
      if (resource !== CUSTOMER_USERS) throw new HttpError(`Cannot create ${resource}.`, 405);
      const user = await run('create_customer_user', {
        input: params.data as CustomerUserInput,
      });
      return { data: remember(user) } as never;
    },

    async update(resource, params) {
      if (resource === CUSTOMER_USER_ROLES) {
        const role = await run('update_customer_user_role', {
          id: String(params.id),
          input: params.data as RoleInput,
        });
        return { data: rememberRole(role) } as never;
      }
      if (resource !== CUSTOMER_USERS) throw new HttpError(`Cannot update ${resource}.`, 405);
      const previous = params.previousData as CustomerUser | undefined;
      const prevInput: Partial<CustomerUserInput> =
        previous && typeof previous.customer === 'object' ? recordToInput(previous) : {};
      const patch = previous
        ? diffInput(prevInput, params.data as Partial<CustomerUserInput>)
        : (params.data as CustomerUserPatch);
      const user = await run('update_customer_user', { id: String(params.id), patch });
      return { data: remember(user) } as never;
    },

    async updateMany() {
      throw new HttpError('Bulk update is not supported.', 405);
    },

    async delete(resource, params) {
      if (resource === CUSTOMER_USER_ROLES) {
        await run('delete_customer_user_role', { id: String(params.id) });
        roles.delete(String(params.id));
        return { data: (params.previousData ?? { id: params.id }) as never };
      }
      if (resource !== CUSTOMER_USERS) throw new HttpError(`Cannot delete ${resource}.`, 405);
      await run('delete_customer_user', { id: String(params.id) });
      return { data: (params.previousData ?? { id: params.id }) as never };
    },

    async deleteMany(resource, params) {
      if (resource !== CUSTOMER_USERS) throw new HttpError(`Cannot delete ${resource}.`, 405);
      for (const id of params.ids) await run('delete_customer_user', { id: String(id) });
      return { data: params.ids };
    },

    async setCustomerUserEnabled(id, enabled) {
      return remember(await run('set_customer_user_enabled', { id: String(id), enabled }));
    },

    async customerUserHistory(id) {
      return run('customer_user_history', { id: String(id) });
    },

    async generatePassword() {
      return run('generate_password');
    },

    async accountAction(command, id) {
      return remember(await run(command, { id: String(id) }));
    },

    bulkAction: (action, ids) => run('bulk_action', { action, ids: ids.map(String) }),
    bulkRole: (role, add, ids) => run('bulk_role', { role, add, ids: ids.map(String) }),
    listOutbox: (query) => run('list_outbox', { query }),
    retryMessage: (id) => run('retry_message', { id }),
    deliverOutbox: () => run('deliver_outbox'),
    listLoginAttempts: (query) => run('list_login_attempts', { query }),
    listSettings: () => run('list_settings'),
    setSetting: (key, value) => run('set_setting', { key, value }),
    smtpPasswordSaved: () => run('smtp_password_saved'),
    setSmtpPassword: (password) => run('set_smtp_password', { password }),
    listEmailTemplates: () => run('list_email_templates'),
    updateEmailTemplate: (name, subject, content) =>
      run('update_email_template', { name, subject, content }),
    restoreEmailTemplate: (name) => run('restore_email_template', { name }),
    previewEmailTemplate: (subject, content) => run('preview_email_template', { subject, content }),
    exportCustomerUsers: (query, onProgress, kind = 'customer_users') => {
      const channel = new Channel<ExportProgress>();
      channel.onmessage = ({ done, total }) => onProgress(done, total);
      return run('export_customer_users', { query, path: null, kind, onProgress: channel });
    },
    cancelExport: () => run('cancel_export'),
    pickImportFile: () => run('pick_import_file'),
    importCustomerUsers: (path, mode, kind, onProgress) => {
      const channel = new Channel<ImportProgress>();
      channel.onmessage = onProgress;
      return run('import_customer_users', {
        path,
        mode,
        rejects: null,
        kind,
        onProgress: channel,
      });
    },
    cancelImport: () => run('cancel_import'),
    listImports: () => run('list_imports'),
    saveImportTemplate: (kind) => run('save_import_template', { path: null, kind }),
    currentAdmin: () => run('current_admin'),
    setCurrentAdmin: (id) => run('set_current_admin', { id }),
    createBackOfficeUser: (input) => run('create_back_office_user', { input }),
    listUsers: () => run('list_users'),
    storeInfo: () => run('store_info'),
    syncStatus: () => run('sync_status'),
    serverSignIn: (input) => run('server_sign_in', input),
    serverSignOut: () => run('server_sign_out'),
    syncNow: (replaceLocal) => run('sync_now', { replaceLocal }),
    syncRetry: (seq) => run('sync_retry', { seq }),
    syncDiscard: (seq) => run('sync_discard', { seq }),
    permissionCatalog: () => run('permission_catalog'),
    customerUserPermissions: (id) => run('customer_user_permissions', { id: String(id) }),
    listBackOfficeUsers: () => run('list_back_office_users'),
    setBackOfficeUserRole: (user, role) => run('set_back_office_user_role', { user, role }),
    listBackOfficeRoles: () => run('list_back_office_roles'),
    createBackOfficeRole: (input) => run('create_back_office_role', { input }),
    updateBackOfficeRole: (id, input) => run('update_back_office_role', { id, input }),
    deleteBackOfficeRole: (id) => run('delete_back_office_role', { id }),
    myCapabilities: () => run('my_capabilities'),
    customerUserActivity: (id, kinds) =>
      run('customer_user_activity', { id: String(id), kinds: kinds ?? null }),
    addNote: (user, input) => run('add_note', { user: String(user), input }),
    updateNote: (id, input) => run('update_note', { id, input }),
    deleteNote: (id) => run('delete_note', { id }),
    addEvent: (user, input) => run('add_event', { user: String(user), input }),
    updateEvent: (id, input) => run('update_event', { id, input }),
    deleteEvent: (id) => run('delete_event', { id }),
    listConsents: () => run('list_consents'),
    createConsent: (input) => run('create_consent', { input }),
    updateConsent: (id, input) => run('update_consent', { id, input }),
    deleteConsent: (id) => run('delete_consent', { id }),
    listCustomerUserFields: () => run('list_customer_user_fields'),
    createCustomerUserField: (input) => run('create_customer_user_field', { input }),
    updateCustomerUserField: (id, input) => run('update_customer_user_field', { id, input }),
    deleteCustomerUserField: (id) => run('delete_customer_user_field', { id }),
  };
}
