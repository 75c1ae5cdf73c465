/** Prints the compact key tables for docs/protocol.md, "Compact frames (v2)". */
import { compactTableMarkdown } from '../protocol/compact-table.js';

console.log(compactTableMarkdown());
