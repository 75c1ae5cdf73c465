/**
 * The message box's extras: a character counter from 90% of the server's limit on (over
 * it, Send is blocked and the box is marked invalid), the quote of the message you reply
 * to with a way to drop it, and a typing signal on every input. The limit counts code
 * points, as the server does (char-limit.ts).
 */
import { counter } from './char-limit.js';

export interface ComposerNodes {
  input: HTMLTextAreaElement;
  send: HTMLButtonElement;
  count: HTMLElement;
  reply: HTMLElement;
  replyText: HTMLElement;
  replyCancel: HTMLButtonElement;
}

export class Composer {
  private replySeq: number | undefined;

  constructor(
    private readonly nodes: ComposerNodes,
    private readonly typed: () => void,
  ) {
    nodes.input.addEventListener('input', () => {
      this.refresh();
      if (nodes.input.value !== '') this.typed();
    });
    nodes.replyCancel.addEventListener('click', () => {
      this.clearReply();
      nodes.input.focus();
    });
    nodes.input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.replySeq !== undefined) this.clearReply();
    });
    this.refresh();
  }

  /** The seq the next send replies to, if any. */
  get replyTo(): number | undefined {
    return this.replySeq;
  }

  /** The text is over the limit: the page does not send it. */
  get over(): boolean {
    return counter(this.nodes.input.value).over;
  }

  replyToMessage(seq: number, label: string): void {
    this.replySeq = seq;
    this.nodes.replyText.textContent = `Replying to ${label}`;
    this.nodes.reply.hidden = false;
    this.nodes.input.focus();
  }

  clearReply(): void {
    this.replySeq = undefined;
    this.nodes.reply.hidden = true;
    this.nodes.replyText.textContent = '';
  }

  /** Replaces the text (Edit of a failed send); the caret goes to its end. */
  setText(text: string): void {
    this.nodes.input.value = text;
    this.refresh();
    this.nodes.input.focus();
    this.nodes.input.setSelectionRange(text.length, text.length);
  }

  /** After a send: empty box, no quote. */
  reset(): void {
    this.nodes.input.value = '';
    this.clearReply();
    this.refresh();
  }

  private refresh(): void {
    const { count, input, send } = this.nodes;
    const state = counter(input.value);
    count.hidden = !state.show;
    count.textContent = state.text;
    count.toggleAttribute('data-over', state.over);
    input.setAttribute('aria-invalid', String(state.over));
    send.disabled = state.over;
  }
}
