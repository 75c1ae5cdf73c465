/**
 * The header's message search: a page of hits (room, author, time, the text around the
 * matches with each match in a `<mark>`, built as text nodes, never markup), "More
 * results" while the server has a cursor, and a click on a hit opening its room at that
 * message. Encrypted rooms are never searched (the server cannot read them).
 */
import { highlightSegments, type ParleyClient, type SearchResult } from '../client/index.js';
import { byId, element } from './dom.js';
import { describe } from './notice.js';

const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export interface SearchDeps {
  client(): ParleyClient | undefined;
  /** How the page calls a room (`# name`, `@ user`). */
  title(roomId: string): string;
  /** Opens the room and shows message `seq`. */
  open(roomId: string, seq: number): Promise<void>;
}

export class SearchPanel {
  private readonly box = byId('search-box', HTMLElement);
  private readonly form = byId('search', HTMLFormElement);
  private readonly input = byId('search-input', HTMLInputElement);
  private readonly panel = byId('search-results', HTMLElement);
  private readonly list = byId('search-list', HTMLOListElement);
  private readonly note = byId('search-note', HTMLParagraphElement);
  private readonly more = byId('search-more', HTMLButtonElement);
  private query = '';
  private cursor: string | undefined;
  /** Bumped by each new search: an older one's late answer is dropped. */
  private generation = 0;

  constructor(private readonly deps: SearchDeps) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const query = this.input.value.trim();
      if (query === '') {
        this.input.focus();
        return;
      }
      void this.search(query);
    });
    this.more.addEventListener('click', () => {
      if (this.cursor !== undefined) void this.page(this.generation, this.cursor);
    });
    byId('search-close', HTMLButtonElement).addEventListener('click', () => {
      this.close();
      this.input.focus();
    });
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        this.close();
        this.input.focus();
      }
    });
  }

  /** The search box shows while signed in. */
  enable(on: boolean): void {
    this.box.hidden = !on;
    if (!on) this.close();
  }

  close(): void {
    this.generation += 1;
    this.panel.hidden = true;
    this.list.replaceChildren();
    this.note.textContent = '';
    this.more.hidden = true;
  }

  private async search(query: string): Promise<void> {
    this.generation += 1;
    this.query = query;
    this.list.replaceChildren();
    this.panel.hidden = false;
    await this.page(this.generation, undefined);
  }

  private async page(generation: number, cursor: string | undefined): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    this.more.hidden = true;
    this.note.textContent = 'Searching…';
    try {
      const page = await client.search(this.query, cursor === undefined ? {} : { cursor });
      if (generation !== this.generation) return;
      this.cursor = page.cursor;
      this.list.append(...page.results.map((result) => this.hit(result)));
      const count = this.list.childElementCount;
      this.note.textContent =
        count === 0
          ? `No messages match "${this.query}".`
          : `${count} message${count === 1 ? '' : 's'} match "${this.query}"${page.cursor ? ' so far' : ''}.`;
      this.more.hidden = page.cursor === undefined;
    } catch (error) {
      if (generation === this.generation)
        this.note.textContent = `Search failed: ${describe(error)}`;
    }
  }

  private hit({ message, highlight }: SearchResult): HTMLLIElement {
    const open = element('button', 'search-hit');
    open.type = 'button';
    const head = element('span', 'search-meta');
    const time = element('time', '', TIME_FORMAT.format(new Date(message.createdAt)));
    time.dateTime = message.createdAt;
    head.append(
      element('span', 'search-room', this.deps.title(message.roomId)),
      element('span', 'search-author', message.userId),
      time,
    );
    const snippet = element('span', 'search-snippet');
    snippet.dir = 'auto';
    for (const segment of highlightSegments(highlight)) {
      snippet.append(
        segment.match ? element('mark', '', segment.text) : document.createTextNode(segment.text),
      );
    }
    open.append(head, snippet);
    open.addEventListener('click', () => {
      this.deps.open(message.roomId, message.seq).catch((error: unknown) => {
        this.note.textContent = `Could not open the message: ${describe(error)}`;
      });
    });
    const item = element('li', '');
    item.append(open);
    return item;
  }
}
