/**
 * The current room's members with their roles (`getRoom`, paged), and for owners and
 * admins the moderation controls: add, remove, mute, ban (optionally for some minutes,
 * with a reason), and for owners the role. The server lists no banned user among the
 * members, so unbanning takes a user id. Controls show only over lower roles (the
 * server's rule; it checks again) and never in a DM, where nobody can moderate.
 * The actor gets the call's reply, not `member_update`, so the list is read again after
 * each action as after each update.
 */
import type { Member, ParleyClient, Role, RoomKind } from '../client/index.js';
import { button, element } from './dom.js';
import type { Notice } from './notice.js';

const PAGE = 50;
const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };
const ROLES: readonly Role[] = ['member', 'admin', 'owner'];

export interface MembersPanelDeps {
  self: string;
  client: ParleyClient;
  notice: Notice;
  /** The caller's role in the shown room changed (or is first known). */
  roleChanged(roomId: string, role: Role | undefined): void;
}

export interface MembersPanelNodes {
  list: HTMLUListElement;
  more: HTMLButtonElement;
  addForm: HTMLFormElement;
  addUser: HTMLInputElement;
  addRole: HTMLSelectElement;
  unbanForm: HTMLFormElement;
  unbanUser: HTMLInputElement;
}

export class MembersPanel {
  private roomId: string | undefined;
  private kind: RoomKind = 'room';
  private role: Role | undefined;
  private members: Member[] = [];
  private cursor: string | undefined;
  /** Bumped on every switch, so an answer for a room no longer shown is dropped. */
  private generation = 0;
  private nextId = 0;

  constructor(
    private readonly nodes: MembersPanelNodes,
    private readonly deps: MembersPanelDeps,
  ) {
    nodes.more.addEventListener('click', () => void this.load(this.cursor));
    nodes.addForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const userId = nodes.addUser.value.trim();
      const role = nodes.addRole.value === 'admin' ? 'admin' : 'member';
      if (userId === '') return nodes.addUser.focus();
      this.act(`add ${userId}`, `Added ${userId}`, (client, roomId) =>
        client.addMember(roomId, userId, { role }),
      );
      nodes.addUser.value = '';
    });
    nodes.unbanForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const userId = nodes.unbanUser.value.trim();
      if (userId === '') return nodes.unbanUser.focus();
      this.act(`unban ${userId}`, `Unbanned ${userId}`, (client, roomId) =>
        client.unban(roomId, userId),
      );
      nodes.unbanUser.value = '';
    });
  }

  /**
   * Shows `roomId`'s members (nothing for undefined). `load` false: not yet, as a room
   * being joined for the first time may not exist until the join creates it (`refresh`
   * then).
   */
  show(roomId: string | undefined, kind: RoomKind = 'room', load = true): void {
    this.generation++;
    this.roomId = roomId;
    this.kind = kind;
    this.role = undefined;
    this.members = [];
    this.cursor = undefined;
    this.render();
    if (roomId !== undefined && load) void this.load(undefined);
  }

  /** The room's membership changed: read it again from the first page. */
  refresh(roomId: string): void {
    if (roomId === this.roomId) void this.load(undefined);
  }

  private async load(cursor: string | undefined): Promise<void> {
    const { roomId, generation } = this;
    if (roomId === undefined) return;
    try {
      const details = await this.deps.client.getRoom(roomId, {
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      if (generation !== this.generation) return;
      this.kind = details.room.kind;
      if (details.role !== this.role || cursor === undefined) {
        this.role = details.role;
        this.deps.roleChanged(roomId, details.role);
      }
      this.members = cursor === undefined ? details.members : [...this.members, ...details.members];
      this.cursor = details.membersCursor;
      this.render();
    } catch (error) {
      if (generation === this.generation) this.deps.notice.error('Could not list members', error);
    }
  }

  private canModerate(member: Member): boolean {
    if (this.kind === 'dm' || this.role === undefined || member.userId === this.deps.self) {
      return false;
    }
    return RANK[this.role] > RANK[member.role] || this.role === 'owner';
  }

  private render(): void {
    const { list, more, addForm, addRole, unbanForm } = this.nodes;
    // Drawn anew: the open menus and the focused control are found again by key.
    const open = new Set(
      Array.from(list.querySelectorAll<HTMLElement>('details[open]'), (node) => node.dataset.key),
    );
    const focused = document.activeElement;
    const focusKey =
      focused instanceof HTMLElement && list.contains(focused) ? focused.dataset.key : undefined;

    const moderator = this.kind !== 'dm' && (this.role === 'owner' || this.role === 'admin');
    addForm.hidden = !moderator;
    unbanForm.hidden = !moderator;
    // Admins add members only (the server's rule).
    const adminOption = addRole.querySelector('option[value="admin"]');
    if (adminOption instanceof HTMLOptionElement) adminOption.disabled = this.role !== 'owner';
    more.hidden = this.cursor === undefined;
    list.replaceChildren(...this.members.map((member) => this.item(member)));
    for (const node of Array.from(list.querySelectorAll<HTMLElement>('[data-key]'))) {
      const key = node.dataset.key;
      if (node instanceof HTMLDetailsElement && open.has(key)) node.open = true;
      if (key !== undefined && key === focusKey) node.focus();
    }
  }

  private item(member: Member): HTMLLIElement {
    const item = element('li', 'member');
    item.dataset.userId = member.userId;
    const you = member.userId === this.deps.self ? ' (you)' : '';
    item.append(
      element('span', 'member-name', `${member.userId}${you}`),
      element('span', `role role-${member.role}`, member.role),
    );
    if (member.muted) item.append(element('span', 'flag', until('muted', member.mutedUntil)));
    if (this.canModerate(member)) item.append(this.controls(member));
    return item;
  }

  private controls(member: Member): HTMLDetailsElement {
    const { userId } = member;
    const menu = element('details', 'moderate');
    menu.dataset.key = `${userId}:menu`;
    const summary = element('summary', '', `Moderate ${userId}`);
    summary.dataset.key = `${userId}:summary`;
    menu.append(summary);
    const row = element('div', 'mod-row');
    const lower = this.role !== undefined && RANK[this.role] > RANK[member.role];
    if (lower) {
      row.append(
        this.action('Remove', userId, `Removed ${userId}`, (c, r) => c.removeMember(r, userId)),
        member.muted
          ? this.action('Unmute', userId, `Unmuted ${userId}`, (c, r) => c.unmute(r, userId))
          : this.action('Mute', userId, `Muted ${userId}`, (c, r) => c.mute(r, userId)),
      );
    }
    menu.append(row);
    if (lower) menu.append(this.banForm(userId));
    if (this.role === 'owner') menu.append(this.roleForm(member));
    return menu;
  }

  private banForm(userId: string): HTMLFieldSetElement {
    const box = element('fieldset', 'ban');
    box.append(element('legend', '', `Ban ${userId}`));
    const minutes = this.field(box, 'Minutes (empty: until unbanned)', 'input');
    minutes.type = 'number';
    minutes.min = '1';
    minutes.inputMode = 'numeric';
    const reason = this.field(box, 'Reason (optional)', 'input');
    reason.maxLength = 500;
    box.append(
      this.action('Ban', userId, `Banned ${userId}`, (client, roomId) => {
        const durationSec =
          minutes.valueAsNumber > 0 ? Math.round(minutes.valueAsNumber * 60) : undefined;
        const why = reason.value.trim();
        return client.ban(roomId, userId, {
          ...(durationSec ? { durationSec } : {}),
          ...(why ? { reason: why } : {}),
        });
      }),
    );
    return box;
  }

  private roleForm(member: Member): HTMLDivElement {
    const row = element('div', 'mod-row');
    const select = this.field(row, `Role of ${member.userId}`, 'select');
    for (const role of ROLES) {
      const option = element('option', '', role);
      option.value = role;
      option.selected = role === member.role;
      select.append(option);
    }
    row.append(
      this.action('Set role', member.userId, `Changed ${member.userId}'s role`, (c, r) => {
        const role = ROLES.find((value) => value === select.value) ?? 'member';
        return c.setRole(r, member.userId, role);
      }),
    );
    return row;
  }

  /** A labelled input or select appended to `parent`; ids are the panel's own counter. */
  private field<K extends 'input' | 'select'>(
    parent: HTMLElement,
    text: string,
    tag: K,
  ): HTMLElementTagNameMap[K] {
    const id = `member-field-${this.nextId++}`;
    const label = element('label', 'field', text);
    label.htmlFor = id;
    const control = element(tag, '');
    control.id = id;
    label.append(control);
    parent.append(label);
    return control;
  }

  /** A button named "<text> <user>" for screen readers and tests, its action, and its result. */
  private action(
    text: string,
    userId: string,
    done: string,
    call: (client: ParleyClient, roomId: string) => Promise<Member>,
  ): HTMLButtonElement {
    const node = button(text);
    node.setAttribute('aria-label', `${text} ${userId}`);
    node.dataset.key = `${userId}:${text}`;
    node.addEventListener('click', () => this.act(`${text.toLowerCase()} ${userId}`, done, call));
    return node;
  }

  /** Runs a call on the shown room; `what` names it in a failure ("Could not mute bob"). */
  private act(
    what: string,
    done: string,
    call: (client: ParleyClient, roomId: string) => Promise<Member>,
  ): void {
    const { roomId } = this;
    if (roomId === undefined) return;
    call(this.deps.client, roomId)
      .then(() => {
        this.deps.notice.show(done);
        this.refresh(roomId);
      })
      .catch((error: unknown) => this.deps.notice.error(`Could not ${what}`, error));
  }
}

function until(state: string, time: string | undefined): string {
  return time === undefined ? state : `${state} until ${new Date(time).toLocaleString()}`;
}
