/**
 * The fake backend's activity timeline (issue #13): notes and events the admins write, and the
 * e-mails of the outbox, for one customer user. Only the rules the timeline needs.
 */
import type { ActivityItem } from '../bindings/ActivityItem';
import type { ActivityKind } from '../bindings/ActivityKind';
import type { ApiError } from '../bindings/ApiError';
import type { CustomerUser } from '../bindings/CustomerUser';
import type { EventInput } from '../bindings/EventInput';
import type { NoteInput } from '../bindings/NoteInput';
import type { OutboxMessage } from '../bindings/OutboxMessage';
import type { Ref } from '../bindings/Ref';
import type { User } from '../bindings/User';
import { apiError, BLANK, idMaker } from './fakeCommon';

/** What the timeline reads of the fake backend. */
export interface ActivityHost {
  outbox: OutboxMessage[];
  find(id: string): CustomerUser;
  currentAdmin(): User | null;
}

type Written = ActivityItem & { userId: string };

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const nextId = idMaker();
const text = (v: string | null | undefined) => (v ?? '').trim();

export class FakeActivity {
  /** The notes and events, as `customer_user_activity` gives them, with whose they are. */
  written: Written[] = [];

  constructor(private readonly host: ActivityHost) {}

  list(userId: string, kinds: ActivityKind[] | null | undefined): ActivityItem[] {
    this.host.find(userId);
    const emails: ActivityItem[] = this.host.outbox
      .filter((m) => m.customerUserId === userId)
      .map((m) => ({
        id: m.id,
        kind: 'email',
        at: m.createdAt,
        title: m.subject,
        body: m.body,
        state: m.state,
        startsAt: null,
        endsAt: null,
        by: null,
        updatedAt: null,
      }));
    const own = this.written
      .filter((w) => w.userId === userId)
      .map(({ userId: _user, ...item }) => item);
    return [...own, ...emails]
      .filter((item) => !kinds || kinds.includes(item.kind))
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  addNote(userId: string, input: NoteInput, at = now(), by = this.by()): ActivityItem {
    this.host.find(userId);
    return this.store({ ...this.note(input), id: nextId('note'), userId, at, by });
  }

  updateNote(id: string, input: NoteInput): ActivityItem {
    return this.change(id, 'note', this.note(input));
  }

  addEvent(userId: string, input: EventInput, by = this.by()): ActivityItem {
    this.host.find(userId);
    const event = this.event(input);
    return this.store({ ...event, id: nextId('event'), userId, at: event.startsAt, by });
  }

  updateEvent(id: string, input: EventInput): ActivityItem {
    const event = this.event(input);
    return this.change(id, 'event', { ...event, at: event.startsAt });
  }

  delete(id: string, kind: 'note' | 'event') {
    this.found(id, kind);
    this.written = this.written.filter((w) => w.id !== id);
  }

  private note(input: NoteInput) {
    const body = text(input.body);
    if (!body)
      throw apiError('validation', 'The note is not valid.', [{ field: 'body', message: BLANK }]);
    return { kind: 'note' as const, body, title: body.split('\n')[0] };
  }

  private event(input: EventInput) {
    const fields: ApiError['fields'] = [];
    const title = text(input.title);
    if (!title) fields.push({ field: 'title', message: BLANK });
    const startsAt = input.startsAt ?? null;
    const endsAt = input.endsAt ?? null;
    if (!startsAt) fields.push({ field: 'startsAt', message: BLANK });
    if (startsAt && endsAt && endsAt < startsAt)
      fields.push({ field: 'endsAt', message: 'The end cannot be before the start.' });
    if (fields.length) throw apiError('validation', 'The event is not valid.', fields);
    return {
      kind: 'event' as const,
      title,
      body: text(input.description) || null,
      startsAt: startsAt as string,
      endsAt,
    };
  }

  private store(item: Partial<ActivityItem> & Pick<Written, 'id' | 'userId' | 'at'>) {
    const written: Written = {
      kind: 'note',
      title: '',
      body: null,
      state: null,
      startsAt: null,
      endsAt: null,
      by: null,
      updatedAt: null,
      ...item,
    };
    this.written.push(written);
    return this.view(written);
  }

  private change(id: string, kind: 'note' | 'event', changes: Partial<ActivityItem>) {
    const found = this.found(id, kind);
    Object.assign(found, changes, { updatedAt: now() });
    return this.view(found);
  }

  private found(id: string, kind: 'note' | 'event'): Written {
    const found = this.written.find((w) => w.id === id && w.kind === kind);
    if (!found) throw apiError('not_found', `The ${kind} was not found.`);
    return found;
  }

  private view({ userId: _user, ...item }: Written): ActivityItem {
    return structuredClone(item);
  }

  private by(): Ref | null {
    const admin = this.host.currentAdmin();
    return admin ? { id: admin.id, name: admin.name } : null;
  }

  /** For `npm run dev`: a note and an event on the first users. */
  seedDemo(users: CustomerUser[]) {
    const john: Ref = { id: 'user-admin', name: 'John Doe' };
    users.slice(0, 12).forEach((user, i) => {
      const day = (n: number, h = 9) =>
        new Date(Date.UTC(2026, 2, n, h)).toISOString().replace('.000', '');
      this.addNote(
        user.id,
        { body: 'Called about the spring catalogue.\nWants samples of the new range.' },
        day(1 + i),
        john,
      );
      this.addEvent(
        user.id,
        {
          title: 'Quarterly review',
          description: 'On site',
          startsAt: day(10 + i, 14),
          endsAt: day(10 + i, 15),
        },
        john,
      );
    });
  }
}
