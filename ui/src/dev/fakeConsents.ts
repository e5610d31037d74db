/**
 * System › Consents in the fake backend (issue #13): the consents' own editing. Who accepted
 * which is the user page's (`FakeUserPage.accepted`); this only counts them.
 */
import type { ApiError } from '../bindings/ApiError';
import type { Consent } from '../bindings/Consent';
import type { ConsentInput } from '../bindings/ConsentInput';
import { apiError, BLANK, idMaker } from './fakeCommon';

/** The consents and their acceptances (`acceptKey` → when), as the user page keeps them. */
export interface ConsentsHost {
  consents: Consent[];
  accepted: Map<string, string>;
}

const nextId = idMaker();

/** The key of `ConsentsHost.accepted`: that `user` accepted `consent`. */
export const acceptKey = (user: string, consent: string) => `${user} ${consent}`;

const acceptances = (host: ConsentsHost, id: string) =>
  [...host.accepted.keys()].filter((k) => k.endsWith(acceptKey('', id))).length;

/** `consent` with how many users accepted it. */
export const view = (host: ConsentsHost, consent: Consent): Consent => ({
  ...consent,
  acceptances: acceptances(host, consent.id),
});

function checked(host: ConsentsHost, before: Consent | null, input: ConsentInput): Consent {
  const fields: ApiError['fields'] = [];
  const name = (input.name ?? before?.name ?? '').trim();
  if (!name) fields.push({ field: 'name', message: BLANK });
  else if (
    host.consents.some((c) => c.id !== before?.id && c.name.toLowerCase() === name.toLowerCase())
  )
    fields.push({ field: 'name', message: 'This name is already used.' });
  const url = input.url === undefined ? (before?.url ?? null) : input.url?.trim() || null;
  if (url && !/^https?:\/\/\S+$/.test(url))
    fields.push({ field: 'url', message: 'This value is not a valid URL.' });
  if (fields.length) throw apiError('validation', 'The consent is not valid.', fields);
  const content =
    input.content === undefined ? (before?.content ?? null) : input.content?.trim() || null;
  return {
    id: before?.id ?? nextId('consent'),
    name,
    mandatory: input.mandatory ?? before?.mandatory ?? false,
    content,
    url,
    acceptances: 0,
  };
}

function find(host: ConsentsHost, id: string): Consent {
  const found = host.consents.find((c) => c.id === id);
  if (!found) throw apiError('not_found', 'Consent not found.');
  return found;
}

export const listConsents = (host: ConsentsHost) => host.consents.map((c) => view(host, c));

export function createConsent(host: ConsentsHost, input: ConsentInput): Consent {
  const consent = checked(host, null, input);
  host.consents.push(consent);
  return view(host, consent);
}

export function updateConsent(host: ConsentsHost, id: string, input: ConsentInput): Consent {
  const before = find(host, id);
  Object.assign(before, checked(host, before, input));
  return view(host, before);
}

export function deleteConsent(host: ConsentsHost, id: string) {
  const consent = find(host, id);
  const n = acceptances(host, id);
  if (n > 0)
    throw apiError(
      'conflict',
      `The consent “${consent.name}” cannot be deleted: ${n} customer user${n === 1 ? ' has' : 's have'} accepted it.`,
    );
  host.consents.splice(host.consents.indexOf(consent), 1);
}

/** `GridFilter.consentAccepted` / `consentNotAccepted` for one user. */
export const hasAccepted = (host: ConsentsHost, user: string, consent: string) =>
  host.accepted.has(acceptKey(user, consent));
